#!/usr/bin/env bash
# Build the addon with AddressSanitizer (into build-asan/, the normal build/ is untouched) and run
# the backend's vitest suite against it. Exit status is vitest's; any ASan report aborts the
# test process and fails the run. Leak detection is off: V8 and Node's own allocations are noise.
set -euo pipefail
cd "$(dirname "$0")/.."
UFB_SANITIZE=1 UFB_BUILD_DIR=build-asan node scripts/build-native.mjs --if-changed
libasan="$(gcc -print-file-name=libasan.so)"
if [ ! -e "$libasan" ]; then
  echo "asan.sh: libasan.so not found (gcc -print-file-name=libasan.so gave '$libasan')" >&2
  exit 2
fi
export ULTRAFASTBERT_CPU_ADDON="$PWD/build-asan/build/Release/ultrafastbert_cpu.node"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0:allocator_may_return_null=1"
echo "asan.sh: addon $ULTRAFASTBERT_CPU_ADDON, LD_PRELOAD=$libasan"
# The event-loop stall test is a timing bound for the optimised build; under ASan's slowdown it says
# nothing about memory safety (its code paths, async linear calls, run in the other files too).
LD_PRELOAD="$libasan" npx vitest run --exclude test/eventloop.test.ts "$@"
