#!/usr/bin/env node
// Cross-compiles the native addon for linux-arm64 and links it, to prove that the sources build
// where only the portable kernels exist (the AVX2/AVX-512 units must compile to empty tables there).
// Sources, defines and flags come from binding.gyp, so this checks the build node-gyp would run on
// an arm64 machine, with warnings as errors. Nothing is run: CI has no arm64 machine.
//   node scripts/cross-arm64.mjs          needs aarch64-linux-gnu-g++ (Debian: g++-aarch64-linux-gnu)
//   env CXX_ARM64=/path/to/g++            another cross compiler
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cxx = process.env.CXX_ARM64 ?? 'aarch64-linux-gnu-g++';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) {
    const hint = r.error.code === 'ENOENT' ? ' (Debian: apt-get install g++-aarch64-linux-gnu)' : '';
    console.error(`[cross-arm64] cannot run ${cmd}: ${r.error.message}${hint}`);
    process.exit(2);
  }
  if (r.status !== 0) {
    console.error(`[cross-arm64] failed: ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return r.stdout + r.stderr;
}

// binding.gyp is plain JSON (no comments); its include_dirs entry is a command for gyp to expand.
const target = JSON.parse(readFileSync(path.join(pkgDir, 'binding.gyp'), 'utf8')).targets[0];
const removed = new Set(target['cflags_cc!'] ?? []);
const flags = [
  ...(target.cflags_cc ?? []).filter((f) => !removed.has(f)),
  ...(target.defines ?? []).map((d) => `-D${d}`),
  `-I${path.resolve(process.execPath, '../../include/node')}`,
  // include_dir is relative to the working directory
  `-I${path.resolve(createRequire(import.meta.url)('node-addon-api').include_dir)}`,
  '-fPIC',
  '-Werror',
];

const out = mkdtempSync(path.join(os.tmpdir(), 'ufb-arm64-'));
try {
  const objects = target.sources.map((src) => {
    const obj = path.join(out, `${path.basename(src, '.cc')}.o`);
    run(cxx, [...flags, '-c', path.join(pkgDir, src), '-o', obj]);
    return obj;
  });
  const addon = path.join(out, 'ultrafastbert_cpu.node');
  run(cxx, ['-shared', '-pthread', ...objects, '-o', addon]);
  // The linked object must be arm64 code and export the N-API entry point Node looks for.
  const header = run('readelf', ['-h', addon]);
  if (!/Machine:\s+AArch64/.test(header)) {
    console.error(`[cross-arm64] ${addon} is not AArch64 code:\n${header}`);
    process.exit(1);
  }
  if (!/napi_register_module_v\d/.test(run('readelf', ['--dyn-syms', '-W', addon]))) {
    console.error(`[cross-arm64] ${addon} does not export napi_register_module_v*`);
    process.exit(1);
  }
  console.log(`[cross-arm64] ${target.sources.length} sources compiled and linked for AArch64 with ${cxx}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
