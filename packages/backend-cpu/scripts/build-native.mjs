#!/usr/bin/env node
// Builds the native addon with node-gyp against the LOCAL Node headers (never downloads them).
//   node scripts/build-native.mjs              full rebuild (what `pnpm install` runs)
//   node scripts/build-native.mjs --if-changed skip when build/Release/*.node is newer than every source
//   env UFB_SANITIZE=1 UFB_BUILD_DIR=build-asan  AddressSanitizer build in build-asan/build (scripts/asan.sh)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifChanged = process.argv.includes('--if-changed');
const sanitize = process.env.UFB_SANITIZE === '1';
// UFB_BUILD_DIR names a folder under the package: a copy of binding.gyp + native/ is built there,
// so the default build/ is never touched. The addon lands in <folder>/build/Release.
const workDir = process.env.UFB_BUILD_DIR ? path.resolve(pkgDir, process.env.UFB_BUILD_DIR) : pkgDir;
const addon = path.join(workDir, 'build', 'Release', 'ultrafastbert_cpu.node');

function newestSource() {
  let newest = statSync(path.join(pkgDir, 'binding.gyp')).mtimeMs;
  for (const f of readdirSync(path.join(pkgDir, 'native'))) {
    newest = Math.max(newest, statSync(path.join(pkgDir, 'native', f)).mtimeMs);
  }
  return newest;
}

if (ifChanged && existsSync(addon) && statSync(addon).mtimeMs > newestSource()) {
  console.log(`[backend-cpu] addon up to date: ${path.relative(pkgDir, addon)}`);
  process.exit(0);
}

/** node-gyp: the one pnpm/npm points at during install, else a resolvable one, else the copy bundled with pnpm or npm. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const globalRoots = [path.resolve(process.execPath, '../../lib/node_modules')];
  const npmPrefix = spawnSync('npm', ['prefix', '-g'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (npmPrefix.status === 0) globalRoots.push(path.join(npmPrefix.stdout.trim(), 'lib', 'node_modules'));
  for (const root of globalRoots) {
    candidates.push(path.join(root, 'pnpm', 'dist', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
    candidates.push(path.join(root, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(`node-gyp not found; looked in:\n  ${candidates.join('\n  ')}`);
}

const nodeGyp = findNodeGyp();
// The headers of the node that runs this script live in <prefix>/include/node. Never download them.
const nodedir = process.env.npm_config_nodedir ?? path.resolve(process.execPath, '../..');
if (!existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`[backend-cpu] no Node headers under ${nodedir}/include/node; set npm_config_nodedir`);
}
const gypArgs = [nodeGyp, 'rebuild', '--jobs=max', `--nodedir=${nodedir}`, '--release'];
if (sanitize) gypArgs.push('--', '-Dufb_sanitize=1');
const env = { ...process.env, npm_config_nodedir: nodedir };

if (workDir !== pkgDir) {
  mkdirSync(workDir, { recursive: true });
  cpSync(path.join(pkgDir, 'binding.gyp'), path.join(workDir, 'binding.gyp'));
  rmSync(path.join(workDir, 'native'), { recursive: true, force: true });
  cpSync(path.join(pkgDir, 'native'), path.join(workDir, 'native'), { recursive: true });
}
const t0 = Date.now();
const r = spawnSync(process.execPath, gypArgs, { cwd: workDir, stdio: 'inherit', env });
if (r.status !== 0) {
  console.error(
    `[backend-cpu] node-gyp failed (exit ${r.status}); the cpu backend will be unavailable. See README "Common errors".`,
  );
  process.exit(r.status ?? 1);
}
console.log(
  `[backend-cpu] built ${path.relative(pkgDir, addon)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
);
