import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This test package's own directory (where node resolves `@ultrafastbert/*` from). */
export const testPackageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(testPackageDir, '../..');

export interface PackageJson {
  name: string;
  version?: string;
  private?: boolean;
  license?: string;
  types?: string;
  main?: string;
  files?: string[];
  bin?: string | Record<string, string>;
  exports?: string | Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  dir: string;
  json: PackageJson;
}

/** The `packages:` globs of pnpm-workspace.yaml. This repo uses `dir/*` globs and plain directories. */
export function workspaceGlobs(): string[] {
  const yaml = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split('\n')) {
    if (/^packages:\s*$/.test(line)) {
      inPackages = true;
      continue;
    }
    if (inPackages) {
      const m = /^\s+-\s+["']?([^"'\s]+)["']?\s*$/.exec(line);
      if (m?.[1]) globs.push(m[1]);
      else if (/^\S/.test(line)) inPackages = false;
    }
  }
  return globs;
}

/** Every workspace package, read from disk (never a hard-coded list). */
export function workspacePackages(): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  const add = (dir: string) => {
    const file = join(dir, 'package.json');
    if (existsSync(file)) out.push({ dir, json: JSON.parse(readFileSync(file, 'utf8')) as PackageJson });
  };
  for (const glob of workspaceGlobs()) {
    if (!glob.includes('*')) {
      add(join(repoRoot, glob)); // a single package directory, e.g. `examples`
      continue;
    }
    if (!glob.endsWith('/*') || glob.slice(0, -2).includes('*')) {
      throw new Error(`unsupported workspace glob '${glob}': extend workspacePackages() in this test`);
    }
    const parent = join(repoRoot, glob.slice(0, -2));
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      if (entry.isDirectory()) add(join(parent, entry.name));
    }
  }
  return out.sort((a, b) => a.json.name.localeCompare(b.json.name));
}

export type Loader = 'import' | 'require';

export interface ExportEntry {
  /** The subpath key, e.g. `.` or `./conformance`. */
  subpath: string;
  /** The specifier a consumer writes, e.g. `@ultrafastbert/tensor/conformance`. */
  specifier: string;
  loader: Loader;
  /** The file this entry resolves to under that loader, relative to the package. */
  target: string;
}

function conditionTarget(value: unknown, conditions: readonly string[]): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [cond, v] of Object.entries(value)) {
      if (conditions.includes(cond)) {
        const t = conditionTarget(v, conditions);
        if (t !== undefined) return t;
      }
    }
  }
  return undefined;
}

/**
 * Each way a consumer can load each subpath of the `exports` map: `import()` for entries that
 * resolve under the ESM conditions, `require()` for entries with a "require" condition and for
 * JSON targets (importing JSON warns on Node 20).
 */
export function exportEntries(json: PackageJson): ExportEntry[] {
  const map = typeof json.exports === 'string' ? { '.': json.exports } : (json.exports ?? {});
  const keys = Object.keys(map);
  if (keys.length > 0 && !keys.every((k) => k.startsWith('.'))) {
    return exportEntries({ ...json, exports: { '.': map } });
  }
  const entries: ExportEntry[] = [];
  for (const [subpath, value] of Object.entries(map)) {
    if (subpath.includes('*'))
      throw new Error(`${json.name}: pattern export '${subpath}' is not supported by this test`);
    const specifier = subpath === '.' ? json.name : `${json.name}${subpath.slice(1)}`;
    const esm = conditionTarget(value, ['node', 'import', 'default']);
    const cjs =
      typeof value === 'object' && value !== null && 'require' in value
        ? conditionTarget(value, ['node', 'require', 'default'])
        : undefined;
    if (esm !== undefined) {
      entries.push({ subpath, specifier, loader: esm.endsWith('.json') ? 'require' : 'import', target: esm });
    }
    if (cjs !== undefined && !cjs.endsWith('.json'))
      entries.push({ subpath, specifier, loader: 'require', target: cjs });
    if (esm === undefined && cjs === undefined)
      throw new Error(`${json.name}: export '${subpath}' has no loadable target`);
  }
  return entries;
}

/** The node source that loads one entry and prints its export names as JSON. */
export function loaderSource(entry: ExportEntry): string {
  const spec = JSON.stringify(entry.specifier);
  return entry.loader === 'import'
    ? `const m = await import(${spec}); console.log(JSON.stringify(Object.keys(m)));`
    : `const { createRequire } = await import('node:module'); const m = createRequire(process.cwd() + '/')(${spec}); console.log(JSON.stringify(Object.keys(m)));`;
}

/** The environment of a "fresh" node: no vitest or loader hooks inherited from this process. */
export function freshEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k === 'TEST' || k === 'NODE_ENV') continue;
    env[k] = v;
  }
  return env;
}
