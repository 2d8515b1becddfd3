import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('examples/quickstart.mjs', () => {
  it('runs, prints a [4, 768] output and a 12-node path that follows the tree', () => {
    const r = spawnSync(process.execPath, ['quickstart.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('output shape [4,768]');
    const m = /token 0 visits nodes ([\d →]+)\n/.exec(r.stdout);
    expect(m).not.toBeNull();
    const path = (m?.[1] ?? '').split('→').map((s) => Number(s.trim()));
    expect(path).toHaveLength(12);
    expect(path[0]).toBe(0);
    for (let i = 1; i < path.length; i++)
      expect([2 * path[i - 1]! + 1, 2 * path[i - 1]! + 2]).toContain(path[i]);
  }, 60_000);

  it('is quoted verbatim in the root README', () => {
    const example = readFileSync(join(dir, 'quickstart.mjs'), 'utf8').trim();
    const readme = readFileSync(join(dir, '../README.md'), 'utf8');
    expect(readme).toContain(example);
  });
});
