#!/usr/bin/env bash
# Prepare a Debian 12 machine with Node 20 for this repository: system packages (only those
# missing), the pnpm version named in package.json, and `pnpm install --frozen-lockfile`.
#
# Used by .ci/run and scripts/setup-and-run.sh (`source scripts/setup.sh && ufb_setup`), and
# runnable alone: `bash scripts/setup.sh`. Works without a terminal (CI=true, no stdin).

# System packages: chromium ships SwiftShader (software Vulkan) for the WebGPU tests, libvulkan1 is
# the Vulkan loader Dawn opens, build-essential + python3 are what node-gyp needs for backend-cpu.
UFB_APT_PACKAGES=(chromium libvulkan1 build-essential python3)
UFB_SWIFTSHADER_ICD=/usr/lib/chromium/vk_swiftshader_icd.json
UFB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ufb_log() { printf '\n==> %s\n' "$*"; }

# Run a command as root: directly when we are root, else through sudo (never prompting without a tty).
ufb_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else
    echo "error: need root for: $* (not root, and sudo is not installed)" >&2
    return 1
  fi
}

ufb_check_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "error: node is not installed; this repository needs Node.js >= 20" >&2
    return 1
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -lt 20 ]; then
    echo "error: Node.js $(node --version) is too old; this repository needs >= 20" >&2
    return 1
  fi
}

# ufb_apt [package...]: installs those of the packages (default: UFB_APT_PACKAGES) that are missing.
ufb_apt() {
  local want=("${UFB_APT_PACKAGES[@]}")
  if [ "$#" -gt 0 ]; then want=("$@"); fi
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: not a Debian/Ubuntu system; install ${want[*]} (or equivalents) yourself" >&2
    return 0
  fi
  local missing=() p
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "apt: ${want[*]} already installed"
    return 0
  fi
  ufb_log "apt-get install ${missing[*]}"
  ufb_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  ufb_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ufb_pnpm() {
  local want have=""
  # package.json pins "packageManager": "pnpm@X"; pnpm refuses to self-switch here, so match it exactly.
  want="$(node -p "require('$UFB_ROOT/package.json').packageManager.split('@')[1]")"
  # Ask from / so that a different pnpm does not try to switch versions because of our package.json.
  if command -v pnpm >/dev/null 2>&1; then have="$(cd / && pnpm --version 2>/dev/null || true)"; fi
  if [ "$have" = "$want" ]; then
    echo "pnpm $have already installed"
    return 0
  fi
  ufb_log "npm i -g pnpm@$want (found: ${have:-none})"
  if [ -w "$(npm prefix -g)" ]; then
    npm i -g --no-fund --no-audit "pnpm@$want"
  else
    ufb_as_root npm i -g --no-fund --no-audit "pnpm@$want"
  fi
  hash -r
}

ufb_env() {
  export TURBO_TELEMETRY_DISABLED=1
  # Dawn (the `webgpu` package) finds SwiftShader through the Vulkan loader.
  if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$UFB_SWIFTSHADER_ICD" ]; then
    export VK_ICD_FILENAMES="$UFB_SWIFTSHADER_ICD"
  fi
  # node-gyp must build against the local Node headers, never download them.
  local prefix
  prefix="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$prefix"
  fi
  if [ ! -d "$UFB_ROOT/../shared" ]; then
    echo "warning: $UFB_ROOT/../shared (golden data, tokenizers) not found; tests that need it will fail" >&2
  fi
}

ufb_setup() {
  ufb_check_node
  ufb_apt
  ufb_pnpm
  ufb_env
  ufb_log "pnpm install --frozen-lockfile"
  (cd "$UFB_ROOT" && pnpm install --frozen-lockfile)
}

# Run directly (not sourced): do the setup.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ufb_setup
fi
