import { compareArrays, ReferenceBackend } from '@ultrafastbert/tensor';
import { describe, expect, it } from 'vitest';
import { sinusoidTable } from '../src/index.js';
import { goldenModelCases } from './golden.js';
import { checkGoldenModel } from './golden-check.js';

const cases = goldenModelCases();

describe('golden whole-model cases from the original PyTorch code (reference backend)', () => {
  it('finds all five cases', () => {
    expect(cases.map((c) => c.name).sort()).toEqual([
      'dense_mlm',
      'fff1x11_cls',
      'fff1x11_mlm',
      'small_cls',
      'small_mlm',
    ]);
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: every output within tolerance, paths exact',
    async (_n, c) => {
      const checks = await checkGoldenModel(c, new ReferenceBackend());
      const failed = checks.filter((k) => !k.cmp.ok).map((k) => `${k.name}: ${k.cmp.message}`);
      expect(failed).toEqual([]);
      // Every layer's output and (for FFF models) routing is covered.
      expect(checks.length).toBeGreaterThanOrEqual(6);
    },
  );

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: float32 sinusoid table matches the stored pe buffer',
    (_n, c) => {
      const pe = c.io.float32('debug.pos_embedding_pe');
      const [L, H] = c.io.entry('debug.pos_embedding_pe').shape as [number, number];
      const cmp = compareArrays(sinusoidTable(L, H), pe, { abs: 5e-7 });
      expect(cmp.ok, cmp.message).toBe(true);
    },
  );
});
