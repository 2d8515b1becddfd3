import { compareArrays, fromHost, ReferenceBackend } from '@ultrafastbert/tensor';
import { describe, expect, it } from 'vitest';
import { FFFLayer, maskedForward } from '../src/index.js';
import { FFF_TOLERANCE, goldenFFFCases } from './golden.js';

const cases = goldenFFFCases();
const backend = new ReferenceBackend();

describe('golden FFF cases from the original PyTorch code (reference backend)', () => {
  it('finds all five cases', () => {
    expect(cases.map((c) => c.name).sort()).toEqual([
      'in96_out48_d4_p3',
      'w16_d0_p1',
      'w16_d3_p1',
      'w64_d5_p2',
      'w768_d11_p1',
    ]);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const layer = FFFLayer.fromWeights(c.config, c.weights, backend);
    const x = fromHost(backend, { dtype: 'f32', shape: c.xShape, data: c.x });

    it('CMM forward matches y within tolerance, keeping the input rank', async () => {
      const y = await layer.forward(x);
      expect(y.shape).toEqual(c.yShape);
      const cmp = compareArrays(await y.data(), c.y, FFF_TOLERANCE);
      expect(cmp.ok, cmp.message).toBe(true);
    });

    it('routes exactly like the original (exact zeros go left)', async () => {
      const paths = await layer.route(x);
      expect(paths.shape).toEqual([
        c.paths.length / (c.config.trees * (c.config.depth + 1)),
        c.config.trees,
        c.config.depth + 1,
      ]);
      expect(Array.from(await paths.data())).toEqual(Array.from(c.paths));
    });

    it('the dense masked reference path agrees: y, paths and all logits', () => {
      const m = maskedForward(c.config, c.weights, c.x);
      expect(Array.from(m.paths)).toEqual(Array.from(c.paths));
      const cy = compareArrays(m.y, c.y, FFF_TOLERANCE);
      expect(cy.ok, cy.message).toBe(true);
      // Logits reach the hundreds in the random_large rows; the README measured ≤ 7.4e-5 f32-vs-f64.
      const cl = compareArrays(m.logits, c.logits, { abs: 2e-4, rel: 1e-6 });
      expect(cl.ok, cl.message).toBe(true);
    });
  });
});
