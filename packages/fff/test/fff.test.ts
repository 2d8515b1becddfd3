import {
  compareArrays,
  createRng,
  fromHost,
  ReferenceBackend,
  randomNormal,
  ShapeError,
  tensor,
} from '@ultrafastbert/tensor';
import { describe, expect, it } from 'vitest';
import { DenseFF, FFFLayer, maskedForward, randomFFFWeights, toNodeMajor } from '../src/index.js';

const backend = new ReferenceBackend();

describe('FFFLayer', () => {
  it('agrees with the masked original computation on random rectangular K>1 layers', async () => {
    const config = { inputWidth: 20, outputWidth: 7, depth: 4, trees: 3 };
    const weights = randomFFFWeights(config, createRng(3));
    const x = randomNormal(createRng(4), 9 * 20);
    const layer = FFFLayer.fromWeights(config, weights, backend);
    const xt = fromHost(backend, { dtype: 'f32', shape: [9, 20], data: x });
    const m = maskedForward(config, weights, x);
    const cmp = compareArrays(await (await layer.forward(xt)).data(), m.y, { abs: 1e-6, rel: 1e-6 });
    expect(cmp.ok, cmp.message).toBe(true);
    expect(Array.from(await (await layer.route(xt)).data())).toEqual(Array.from(m.paths));
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const c = { inputWidth: 4, outputWidth: 4, depth: 2, trees: 1 };
    const a = randomFFFWeights(c, createRng(1)).linearInWeight;
    expect(randomFFFWeights(c, createRng(1)).linearInWeight).toEqual(a);
    expect(randomFFFWeights(c, createRng(2)).linearInWeight).not.toEqual(a);
  });

  it('names the tensor and the expected shape when weights do not fit the config', () => {
    const c = { inputWidth: 4, outputWidth: 4, depth: 2, trees: 1 };
    const w = randomFFFWeights(c, createRng(1));
    expect(() => FFFLayer.fromWeights({ ...c, depth: 3 }, w, backend)).toThrow(
      /linearInWeight must have shape \[15, 4\]/,
    );
    expect(() => FFFLayer.fromWeights({ ...c, depth: -1 }, w, backend)).toThrow(/depth must be an integer/);
  });

  it('rejects an input of the wrong width with a shape error', async () => {
    const layer = FFFLayer.random({ inputWidth: 4, outputWidth: 4, depth: 1, trees: 1 }, backend);
    await expect(layer.forward(tensor(backend, new Float32Array(5), [1, 5]))).rejects.toThrow(ShapeError);
  });

  it('toNodeMajor transposes [out, nodes] to [nodes, out]', () => {
    expect(Array.from(toNodeMajor(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('toNodeMajor is exact across tile edges (sizes not multiples of the tile)', () => {
    const out = 37;
    const nodes = 63;
    const w = Float32Array.from({ length: out * nodes }, (_, i) => i);
    const t = toNodeMajor(w, out, nodes);
    for (let n = 0; n < nodes; n++)
      for (let o = 0; o < out; o++)
        if (t[n * out + o] !== w[o * nodes + n]) expect.fail(`node ${n} out ${o}`);
    expect(t.length).toBe(w.length);
    // into scratch when it fits (a view at its front), else fresh memory; same values either way
    const scratch = new ArrayBuffer(w.length * 4 + 64);
    const inScratch = toNodeMajor(w, out, nodes, scratch);
    expect(inScratch.buffer).toBe(scratch);
    expect(inScratch.byteOffset).toBe(0);
    expect(inScratch).toEqual(t);
    const small = new ArrayBuffer(w.length * 4 - 4);
    const fresh = toNodeMajor(w, out, nodes, small);
    expect(fresh.buffer).not.toBe(small);
    expect(fresh).toEqual(t);
  });
});

describe('DenseFF', () => {
  it('computes Linear → GELU → Linear with biases', async () => {
    const ff = DenseFF.fromWeights(
      { inputWidth: 2, hiddenWidth: 2, outputWidth: 1, bias: true },
      {
        denseInWeight: Float32Array.from([1, 0, 0, 1]),
        denseInBias: Float32Array.from([0, -1]),
        denseOutWeight: Float32Array.from([1, 1]),
        denseOutBias: Float32Array.from([0.5]),
      },
      backend,
    );
    const y = await ff.forward(tensor(backend, Float32Array.from([1, 3]), [1, 2]));
    const gelu = (v: number) => 0.5 * v * (1 + erfApprox(v / Math.SQRT2));
    expect((await y.data())[0]).toBeCloseTo(gelu(1) + gelu(2) + 0.5, 5);
  });
  it('rejects missing biases when configured with bias', () => {
    expect(() =>
      DenseFF.fromWeights(
        { inputWidth: 1, hiddenWidth: 1, outputWidth: 1, bias: true },
        { denseInWeight: new Float32Array(1), denseOutWeight: new Float32Array(1) },
        backend,
      ),
    ).toThrow(/dense_in.bias must have 1 values, got none/);
  });
});

// Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): an independent check of the exact GELU above.
function erfApprox(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return s * (1 - p * Math.exp(-a * a));
}
