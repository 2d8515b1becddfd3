// The FFF kernel buckets a whole batch by subtree and writes outputs larger than 16 MiB with
// streaming stores (native/kernels.inc). These tests pin what that schedule must not change:
// a token's output is the same bits whatever else is in the batch, and the streamed path agrees
// with the float64 reference.
import { compareArrays, ops, ReferenceBackend, tensor } from '@ultrafastbert/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpuBackend } from '../src/index.js';
import { availableIsas, sameBits, seeded } from './helpers.js';

const made: CpuBackend[] = [];
afterAll(() => {
  for (const b of made) b.destroy();
});

const IN = 48;
function weights(b: CpuBackend | ReferenceBackend, depth: number, trees: number, out: number) {
  const rows = trees * ((2 << depth) - 1);
  return {
    wIn: tensor(b, seeded(rows * IN, 21, 0.4), [rows, IN]),
    bIn: tensor(b, seeded(rows, 22, 0.2), [rows]),
    wOut: tensor(b, seeded(rows * out, 23, 0.3), [rows, out]),
  };
}

describe.each(availableIsas())('fff schedule (%s)', (isa) => {
  it('gives each token the same bits alone, in a small batch and in a large one', async () => {
    const b = await cpuBackend({ isa, threads: 2, syncWorkLimit: 0 });
    made.push(b);
    const w = weights(b, 9, 2, 40);
    const xs = seeded(900 * IN, 24);
    const full = await (await ops.fff(tensor(b, xs, [900, IN]), w, { depth: 9, trees: 2 })).data();
    const paths = await (await ops.fffRoute(tensor(b, xs, [900, IN]), w, { depth: 9, trees: 2 })).data();
    for (const [start, n] of [
      [0, 1],
      [417, 1],
      [899, 1],
      [100, 7],
      [250, 33],
    ] as const) {
      const x = tensor(b, xs.subarray(start * IN, (start + n) * IN), [n, IN]);
      const y = await (await ops.fff(x, w, { depth: 9, trees: 2 })).data();
      const inBatch = full.subarray(start * 40, (start + n) * 40);
      expect(sameBits(y, inBatch), `rows ${start}..${start + n}`).toBe(true);
      const p = await (await ops.fffRoute(x, w, { depth: 9, trees: 2 })).data();
      expect(Array.from(p)).toEqual(Array.from(paths.subarray(start * 20, (start + n) * 20)));
    }
  });

  it('splits a bucket that holds every token (a skewed router) without changing any bits', async () => {
    const b = await cpuBackend({ isa, threads: 2, syncWorkLimit: 0 });
    made.push(b);
    const ref = new ReferenceBackend();
    const depth = 5;
    const rows = (2 << depth) - 1;
    const big = new Float32Array(rows).fill(50); // every logit > 0: every token takes the rightmost path
    const make = (be: CpuBackend | ReferenceBackend) => ({
      ...weights(be, depth, 1, 40),
      bIn: tensor(be, big, [rows]),
    });
    const w = make(b);
    const xs = seeded(3000 * IN, 26);
    const got = await (await ops.fff(tensor(b, xs, [3000, IN]), w, { depth, trees: 1 })).data();
    const want = await (await ops.fff(tensor(ref, xs, [3000, IN]), make(ref), { depth, trees: 1 })).data();
    const c = compareArrays(got, want, { abs: 2e-5, rel: 2e-5 });
    expect(c.ok, c.message).toBe(true);
    const paths = await (await ops.fffRoute(tensor(b, xs, [3000, IN]), w, { depth, trees: 1 })).data();
    const rightmost = Array.from({ length: depth + 1 }, (_, l) => (2 << l) - 2);
    expect(Array.from(paths.subarray(2999 * (depth + 1)))).toEqual(rightmost);
    for (const t of [0, 1500, 2999]) {
      const one = await (
        await ops.fff(tensor(b, xs.subarray(t * IN, (t + 1) * IN), [1, IN]), w, { depth, trees: 1 })
      ).data();
      expect(sameBits(one, got.subarray(t * 40, (t + 1) * 40)), `row ${t}`).toBe(true);
    }
  });

  // 5500 x 770 floats = 16.9 MB: past the streaming threshold; 770 is not a multiple of any vector
  // width, so rows alternate between aligned (streamed) and unaligned (plain stores).
  for (const [trees, out] of [
    [1, 770],
    [2, 768],
  ] as const) {
    it(`streams a ${5500}x${out} output (${trees} tree(s)) that matches the reference`, async () => {
      const b = await cpuBackend({ isa, threads: 2, syncWorkLimit: 0 });
      made.push(b);
      const ref = new ReferenceBackend();
      const xs = seeded(5500 * IN, 25);
      const got = await (
        await ops.fff(tensor(b, xs, [5500, IN]), weights(b, 4, trees, out), { depth: 4, trees })
      ).data();
      const want = await (
        await ops.fff(tensor(ref, xs, [5500, IN]), weights(ref, 4, trees, out), { depth: 4, trees })
      ).data();
      const c = compareArrays(got, want, { abs: 2e-5, rel: 2e-5 });
      expect(c.ok, c.message).toBe(true);
    });
  }
});
