import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { run } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'ufb-1x11-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The released model's shape end to end: 16 layers, 768 hidden, 12 heads, FFF depth 11, vocab 32768.
it('init writes a ~755 MB ultrafastbert-1x11-long checkpoint that loads and runs fill-mask', {
  timeout: 240_000,
}, async () => {
  const init = await run('init', '--config', 'ultrafastbert-1x11-long', '--out', dir);
  expect(init.code, init.stderr).toBe(0);
  const bytes = statSync(join(dir, 'model.safetensors')).size;
  expect(bytes).toBeGreaterThan(750e6);
  expect(bytes).toBeLessThan(760e6);
  const r = await run('fill-mask', '--model', dir, '--json', 'the cat sat on the <mask> .');
  expect(r.code, r.stderr).toBe(0);
  const preds = JSON.parse(r.stdout) as { tokenId: number; score: number }[];
  expect(preds).toHaveLength(5);
  for (const p of preds) expect(p.tokenId).toBeLessThan(32768);
});
