import { describe, expect, it } from 'vitest';
import { erf, erfc, gelu, ops, ReferenceBackend, tensor } from '../src/index.js';

// Values from CPython's math.erf / math.erfc (correctly rounded libm), an outside truth.
const ERF: Array<[number, number, number]> = [
  [0.1, 0.1124629160182849, 0.8875370839817152],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [2.4, 0.999311486103355, 0.0006885138966450789],
  [2.5, 0.999593047982555, 0.0004069520174449589],
  [3.0, 0.9999779095030014, 2.2090496998585438e-5],
  [5.0, 0.9999999999984626, 1.5374597944280351e-12],
  [-1.5, -0.9661051464753108, 1.9661051464753108],
];

describe('erf (float64-accurate)', () => {
  it.each(ERF)('erf(%f) and erfc', (x, e, c) => {
    expect(Math.abs(erf(x) - e)).toBeLessThanOrEqual(4e-16);
    expect(Math.abs(erfc(x) - c) / c).toBeLessThanOrEqual(1e-13);
  });
  it('is odd, saturates, and propagates NaN', () => {
    expect(erf(-0.7)).toBe(-erf(0.7));
    expect(erf(30)).toBe(1);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
  });
  it('gelu = x·Φ(x): 0 at 0, ≈x for large x, ≈0 for very negative x', () => {
    expect(gelu(0)).toBe(0);
    expect(gelu(40)).toBe(40);
    expect(gelu(-40)).toBeCloseTo(0, 300);
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 15);
  });
});

describe('reference kernels (hand-checked values)', () => {
  const b = new ReferenceBackend();
  const f = (d: number[], s: number[]) => tensor(b, new Float32Array(d), s);
  it('linear with bias and tanh', async () => {
    const y = await ops.linear(f([1, 2], [1, 2]), f([1, 0, 0, 1, 1, 1], [3, 2]), {
      bias: f([0, 0, -3], [3]),
    });
    expect(Array.from(await y.data())).toEqual([1, 2, 0]);
    const t = await ops.linear(f([1, 2], [1, 2]), f([1, 0], [1, 2]), { activation: 'tanh' });
    expect((await t.data())[0]).toBeCloseTo(Math.tanh(1), 6);
  });
  it('layerNorm uses the biased variance and eps', async () => {
    const y = await ops.layerNorm(f([1, 3], [1, 2]), f([1, 1], [2]), f([0, 0], [2]), 0);
    expect(Array.from(await y.data())).toEqual([-1, 1]);
  });
  it('attention: one real key gets all the weight; padded keys get exactly none', async () => {
    // 1 head, hd=1: qkv rows [q, k, v]; mask hides position 1.
    const qkv = f([1, 1, 10, 1, 5, 20], [1, 2, 3]);
    const mask = tensor(b, new Int32Array([1, 0]), [1, 2]);
    const y = await ops.attention(qkv, { heads: 1, scale: 1, mask });
    expect(Array.from(await y.data())).toEqual([10, 10]);
  });
  it('fff depth 1: strict > routing, gelu-weighted sum of visited output rows', async () => {
    // Node 0 logit = x; goes right (node 2) only if x > 0.
    const wIn = f([1, 0, 0], [3, 1]);
    const bIn = f([0, 0.5, -0.5], [3]);
    const wOut = f([1, 10, 100], [3, 1]);
    const x = f([0, 2], [2, 1]);
    const y = await ops.fff(x, { wIn, bIn, wOut }, { depth: 1, trees: 1 });
    const paths = await ops.fffRoute(x, { wIn, bIn }, { depth: 1, trees: 1 });
    expect(Array.from(await paths.data())).toEqual([0, 1, 0, 2]);
    const yd = await y.data();
    expect(yd[0]).toBeCloseTo(gelu(0) * 1 + gelu(0.5) * 10, 5);
    expect(yd[1]).toBeCloseTo(gelu(2) * 1 + gelu(-0.5) * 100, 4);
  });
  it('meanPool with a mask averages only unmasked positions', async () => {
    const x = f([1, 2, 3, 4, 100, 100], [1, 3, 2]);
    const y = await ops.meanPool(x, tensor(b, new Int32Array([1, 1, 0]), [1, 3]));
    expect(Array.from(await y.data())).toEqual([2, 3]);
    const all = await ops.meanPool(x);
    expect(Array.from(await all.data())).toEqual([104 / 3, 106 / 3].map(Math.fround));
  });
  it('softmax and topk', async () => {
    const s = await ops.softmax(f([0, Math.log(3)], [2]));
    const sd = await s.data();
    expect(sd[0]).toBeCloseTo(0.25, 6);
    const { values, indices } = await ops.topk(f([1, 5, 5, 2], [4]), 3);
    expect(Array.from(await indices.data())).toEqual([1, 2, 3]);
    expect(Array.from(await values.data())).toEqual([5, 5, 2]);
  });
  it('add broadcasts over leading dims', async () => {
    const y = await ops.add(f([1, 2, 3, 4], [2, 2]), f([10, 20], [2]));
    expect(Array.from(await y.data())).toEqual([11, 22, 13, 24]);
  });
});
