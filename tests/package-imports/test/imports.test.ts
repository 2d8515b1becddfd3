import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exportEntries,
  freshEnv,
  loaderSource,
  type PackageJson,
  repoRoot,
  testPackageDir,
  workspacePackages,
} from './workspace.js';

/** The packages this repo publishes. A new one must be added here AND to this package's dependencies. */
const EXPECTED_PUBLISHED = [
  '@ultrafastbert/backend-cpu',
  '@ultrafastbert/backend-webgpu',
  '@ultrafastbert/bert',
  '@ultrafastbert/cli',
  '@ultrafastbert/fff',
  '@ultrafastbert/tensor',
  '@ultrafastbert/tokenizer',
];

const all = workspacePackages();
const published = all.filter((p) => p.json.private !== true);
const self = JSON.parse(readFileSync(join(testPackageDir, 'package.json'), 'utf8')) as PackageJson;

function runNode(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, args, { cwd, env: freshEnv(), encoding: 'utf8', timeout: 25_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

describe('workspace discovery', () => {
  it('finds exactly the expected published packages', () => {
    expect(published.map((p) => p.json.name)).toEqual(EXPECTED_PUBLISHED);
  });

  it('finds the private workspace packages too (so discovery reads every glob)', () => {
    const names = all.map((p) => p.json.name);
    expect(names).toContain(self.name);
    expect(names).toContain('@ultrafastbert/docs');
    expect(names).toContain('@ultrafastbert/examples');
  });

  it('depends on every published package with workspace:* so turbo builds them before this test', () => {
    const deps = { ...self.dependencies, ...self.devDependencies };
    for (const p of published) expect(deps[p.json.name], p.json.name).toBe('workspace:*');
  });
});

describe.each(published.map((p) => [p.json.name, p] as const))('%s', (_name, pkg) => {
  const { json, dir } = pkg;

  it('package.json has exports, types, files, license, and the package has a README.md', () => {
    expect(json.exports, 'exports').toBeDefined();
    expect(typeof json.types, 'types').toBe('string');
    expect(Array.isArray(json.files) && json.files.length > 0, 'files').toBe(true);
    expect(json.license, 'license').toMatch(/\S/);
    const readme = join(dir, 'README.md');
    expect(existsSync(readme), `${readme} exists`).toBe(true);
    expect(readFileSync(readme, 'utf8')).toContain(json.name);
  });

  it('puts "types" first in every conditional export, and every target is built and published', () => {
    const map = typeof json.exports === 'object' && json.exports ? json.exports : {};
    const files = json.files ?? [];
    const published = (rel: string) =>
      rel === 'package.json' || files.some((f) => rel === f || rel.startsWith(`${f.replace(/\/$/, '')}/`));
    const targets = new Set<string>();
    if (json.types) targets.add(json.types);
    for (const [subpath, value] of Object.entries(map)) {
      if (typeof value === 'string') {
        targets.add(value);
        continue;
      }
      const conds = Object.entries(value as Record<string, unknown>);
      if (conds.some(([c]) => c === 'types'))
        expect(conds[0]?.[0], `${subpath}: "types" must come first`).toBe('types');
      for (const [, t] of conds) if (typeof t === 'string') targets.add(t);
    }
    expect(targets.size).toBeGreaterThan(0);
    for (const t of targets) {
      const rel = t.replace(/^\.\//, '');
      expect(existsSync(join(dir, rel)) && statSync(join(dir, rel)).isFile(), `${t} exists (built?)`).toBe(
        true,
      );
      expect(published(rel), `${t} is covered by "files"`).toBe(true);
    }
  });

  const entries = exportEntries(json);
  it('has at least the main entry', () => {
    expect(entries.some((e) => e.subpath === '.')).toBe(true);
  });

  it.each(entries.map((e) => [`${e.loader}('${e.specifier}')`, e] as const))(
    '%s in a fresh node exits 0 with empty stderr',
    (_label, entry) => {
      const r = runNode(['--input-type=module', '-e', loaderSource(entry)], testPackageDir);
      expect(r.error).toBeUndefined();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const names = JSON.parse(r.stdout.trim()) as string[];
      if (!entry.target.endsWith('.json')) expect(names.length, 'module has exports').toBeGreaterThan(0);
    },
  );
});

describe('bin entries', () => {
  const withBin = published.filter((p) => p.json.bin !== undefined);

  it('the CLI package provides the ultrafastbert command', () => {
    const cli = published.find((p) => p.json.name === '@ultrafastbert/cli');
    expect(cli?.json.bin).toEqual({ ultrafastbert: './dist/main.js' });
  });

  it('node apps/cli/dist/main.js help exits 0 with usage on stdout and empty stderr', () => {
    const r = runNode(['apps/cli/dist/main.js', 'help'], repoRoot);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: ultrafastbert');
  });

  it.each(withBin.map((p) => [p.json.name, p] as const))(
    '%s: every bin file starts with a node shebang',
    (_n, p) => {
      const bins = typeof p.json.bin === 'string' ? [p.json.bin] : Object.values(p.json.bin ?? {});
      for (const b of bins)
        expect(readFileSync(join(p.dir, b), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    },
  );
});
