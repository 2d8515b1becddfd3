import { readdirSync, readFileSync } from 'node:fs';
import {
  type Backend,
  disposeAll,
  gelu as geluRef,
  IndexOutOfRangeError,
  InvalidArgumentError,
  ops,
  ReferenceBackend,
  resolveBackend,
  ShapeError,
  type Tensor,
  TensorDisposedError,
  tensor,
} from '@ultrafastbert/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CpuAddonLoadError, CpuBackend, cpuBackend } from '../src/index.js';
import { availableIsas, sameBits, seeded } from './helpers.js';

const made: CpuBackend[] = [];
async function make(opts: Parameters<typeof cpuBackend>[0] = {}): Promise<CpuBackend> {
  const b = await cpuBackend(opts);
  made.push(b);
  return b;
}
afterAll(() => {
  for (const b of made) b.destroy();
});

describe('construction', () => {
  it('reports name, threads and the ISA it dispatched to', async () => {
    const b = await make({ threads: 3 });
    expect(b).toBeInstanceOf(CpuBackend);
    expect(b.name).toBe('cpu');
    expect(b.threads).toBe(3);
    expect(['avx512', 'avx2', 'portable']).toContain(b.isa);
    expect(availableIsas().at(-1)).toBe(b.isa); // the best available by default
  });

  it('takes the thread count from ULTRAFASTBERT_NUM_THREADS when no option is given', async () => {
    const old = process.env.ULTRAFASTBERT_NUM_THREADS;
    process.env.ULTRAFASTBERT_NUM_THREADS = '5';
    try {
      expect((await make()).threads).toBe(5);
      expect((await make({ threads: 2 })).threads).toBe(2);
      process.env.ULTRAFASTBERT_NUM_THREADS = 'lots';
      await expect(cpuBackend()).rejects.toThrow(/ULTRAFASTBERT_NUM_THREADS/);
    } finally {
      if (old === undefined) delete process.env.ULTRAFASTBERT_NUM_THREADS;
      else process.env.ULTRAFASTBERT_NUM_THREADS = old;
    }
  });

  // The thread that submits a job computes beside threads - 1 helpers: never more compute threads
  // than asked for, and no wake-up to wait for before the work starts. Counted by the helpers' name:
  // the process has other threads that come and go (io_uring workers, for one).
  it.runIf(process.platform === 'linux')(
    'starts threads - 1 pool threads and stops them on destroy()',
    async () => {
      const poolThreads = () =>
        readdirSync('/proc/self/task').filter((tid) => {
          try {
            return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'ufb-cpu-pool';
          } catch {
            return false; // the thread ended while we looked
          }
        }).length;
      const before = poolThreads();
      const b = await cpuBackend({ threads: 4 });
      expect(poolThreads() - before).toBe(3);
      const x = tensor(b, seeded(300 * 64, 3), [300, 64]);
      const y = await ops.linear(x, tensor(b, seeded(96 * 64, 4), [96, 64]));
      expect(y.shape).toEqual([300, 96]);
      b.destroy(); // joins the helpers; the kernel drops their /proc entries a moment after
      await vi.waitFor(() => expect(poolThreads()).toBe(before), { timeout: 5000, interval: 10 });
      const one = await cpuBackend({ threads: 1 });
      expect(poolThreads()).toBe(before);
      one.destroy();
    },
  );

  it('rejects bad options with InvalidArgumentError', async () => {
    await expect(cpuBackend({ threads: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(cpuBackend({ threads: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(cpuBackend({ isa: 'sse9' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('throws CpuAddonLoadError naming the path when the addon cannot load, so resolveBackend can fall back', async () => {
    const old = process.env.ULTRAFASTBERT_CPU_ADDON;
    process.env.ULTRAFASTBERT_CPU_ADDON = '/nonexistent/ultrafastbert_cpu.node';
    try {
      const err = await cpuBackend().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CpuAddonLoadError);
      expect((err as CpuAddonLoadError).code).toBe('E_CPU_ADDON_LOAD');
      expect((err as Error).message).toContain('/nonexistent/ultrafastbert_cpu.node');
      const fallback = await resolveBackend([
        { name: 'cpu', create: () => cpuBackend() },
        new ReferenceBackend(),
      ]);
      expect(fallback.name).toBe('reference');
    } finally {
      if (old === undefined) delete process.env.ULTRAFASTBERT_CPU_ADDON;
      else process.env.ULTRAFASTBERT_CPU_ADDON = old;
    }
  });

  it('supports every catalogue op for its input dtype only', async () => {
    const b = await make({ threads: 1 });
    expect(b.supports('fff', 'f32')).toBe(true);
    expect(b.supports('embedding', 'f32')).toBe(true);
    expect(b.supports('linear', 'i32')).toBe(false);
  });
});

describe('bounds and errors', () => {
  for (const syncWorkLimit of [Number.POSITIVE_INFINITY, 0]) {
    const path = syncWorkLimit === 0 ? 'worker' : 'inline';
    it(`embedding ids out of range reject with IndexOutOfRangeError (${path}) and the backend keeps working`, async () => {
      const b = await make({ threads: 2, syncWorkLimit });
      const table = tensor(b, seeded(10 * 4, 1), [10, 4]);
      for (const bad of [10, -1, 2 ** 31 - 1, -(2 ** 31)]) {
        const ids = tensor(b, Int32Array.from([0, 3, bad]), [3]);
        const err = await ops.embedding(table, ids).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IndexOutOfRangeError);
        expect((err as Error).message).toContain(`id ${bad}`);
        ids.dispose();
      }
      const ids = tensor(b, Int32Array.from([9, 0]), [2]);
      const y = await ops.embedding(table, ids);
      expect(Array.from(await y.data())).toEqual([
        ...seeded(40, 1).subarray(36, 40),
        ...seeded(40, 1).subarray(0, 4),
      ]);
      disposeAll(table, ids, y);
    });
  }

  it('checks storage sizes against shapes in JS before native code runs', async () => {
    const b = await make({ threads: 1 });
    const small = b.upload(new Float32Array(6), 'f32');
    const w = b.upload(new Float32Array(12), 'f32');
    // shape claims 4x3 = 12 elements but the storage holds 6: rejected, nothing read out of bounds
    const run = b.run(
      'linear',
      {
        x: { storage: small, shape: [4, 3], dtype: 'f32' },
        weight: { storage: w, shape: [4, 3], dtype: 'f32' },
      },
      {},
      [{ shape: [4, 4], dtype: 'f32' }],
    );
    await expect(run).rejects.toBeInstanceOf(ShapeError);
    // wrong dtype for the storage
    const ids = b.upload(new Int32Array(6), 'i32');
    await expect(
      b.run('gelu', { x: { storage: ids, shape: [6], dtype: 'f32' } }, {}, [{ shape: [6], dtype: 'f32' }]),
    ).rejects.toBeInstanceOf(ShapeError);
    // storage from another backend
    const foreign = new ReferenceBackend().upload(new Float32Array(6));
    await expect(
      b.run('gelu', { x: { storage: foreign, shape: [6], dtype: 'f32' } }, {}, [
        { shape: [6], dtype: 'f32' },
      ]),
    ).rejects.toBeInstanceOf(ShapeError);
    for (const s of [small, w, ids]) b.free(s);
  });

  it('rejects use of freed storage with TensorDisposedError', async () => {
    const b = await make({ threads: 1 });
    const s = b.upload(Float32Array.of(1, 2, 3), 'f32');
    b.free(s);
    b.free(s); // idempotent
    await expect(b.read(s, 'f32', 3)).rejects.toBeInstanceOf(TensorDisposedError);
    await expect(
      b.run('gelu', { x: { storage: s, shape: [3], dtype: 'f32' } }, {}, [{ shape: [3], dtype: 'f32' }]),
    ).rejects.toBeInstanceOf(TensorDisposedError);
  });

  it('rejects calls after destroy()', async () => {
    const b = await cpuBackend({ threads: 2 });
    const x = tensor(b, Float32Array.of(1, 2), [2]);
    b.destroy();
    await expect(ops.gelu(x)).rejects.toThrow(/destroy/);
    x.dispose();
  });
});

describe('upload', () => {
  it('copies large arrays exactly when the copy is split over threads (odd sizes, every split)', async () => {
    for (const threads of [1, 2, 3]) {
      const b = await make({ threads });
      // 8 MiB is where the copy starts splitting; 3 threads over an odd length leave uneven parts
      for (const n of [(8 << 20) / 4 - 1, (8 << 20) / 4 + 1031, 3_000_017]) {
        const host = new Int32Array(n);
        // different data every round: a recycled buffer must not pass with the previous round's bytes
        for (let i = 0; i < n; i++) host[i] = (i * 2654435761 + threads * 7919 + n) | 0;
        const t = tensor(b, host, [n]);
        const back = (await t.data()) as Int32Array;
        let bad = -1;
        for (let i = 0; i < n && bad < 0; i++) if (back[i] !== host[i]) bad = i;
        expect(bad, `threads ${threads}, n ${n}`).toBe(-1);
        t.dispose();
      }
    }
  });
});

describe('lifetime', () => {
  it('keeps inputs alive while a worker uses them, even if every handle is disposed mid-op', async () => {
    const b = await make({ threads: 2, syncWorkLimit: 0 });
    const [M, K, N] = [256, 384, 512];
    const xd = seeded(M * K, 3);
    const wd = seeded(N * K, 4, 0.1);
    const expected = async () => {
      const x = tensor(b, xd, [M, K]);
      const w = tensor(b, wd, [N, K]);
      const y = await ops.linear(x, w, { activation: 'gelu' });
      const d = await y.data();
      disposeAll(x, w, y);
      return d;
    };
    const want = await expected();
    for (let i = 0; i < 5; i++) {
      const x = tensor(b, xd, [M, K]);
      const w = tensor(b, wd, [N, K]);
      const pending = ops.linear(x, w, { activation: 'gelu' });
      disposeAll(x, w); // freed by the user while the op runs
      // churn the allocator so a use-after-free would read garbage
      const junk = Array.from({ length: 8 }, () =>
        tensor(b, new Float32Array(M * K).fill(Number.NaN), [M, K]),
      );
      const y = await pending;
      expect(sameBits(await y.data(), want)).toBe(true);
      disposeAll(y, junk);
    }
  });
});

/** Same inputs at 1 and 2 threads: bitwise equal for every op with a parallel path. */
describe('results do not depend on the thread count', () => {
  const cases: Array<[string, (b: Backend) => Promise<Tensor[]>]> = [
    [
      'linear + bias + gelu 300x200->170',
      async (b) => [
        await ops.linear(
          tensor(b, seeded(300 * 200, 1), [300, 200]),
          tensor(b, seeded(170 * 200, 2, 0.2), [170, 200]),
          {
            bias: tensor(b, seeded(170, 3), [170]),
            activation: 'gelu',
          },
        ),
      ],
    ],
    [
      'fff depth 7, 2 trees, 500 rows',
      async (b) => {
        const rowsW = 2 * 255;
        const w = {
          wIn: tensor(b, seeded(rowsW * 96, 5, 0.3), [rowsW, 96]),
          bIn: tensor(b, seeded(rowsW, 6, 0.2), [rowsW]),
          wOut: tensor(b, seeded(rowsW * 80, 7, 0.3), [rowsW, 80]),
        };
        const x = tensor(b, seeded(500 * 96, 8), [500, 96]);
        return [
          await ops.fff(x, w, { depth: 7, trees: 2 }),
          await ops.fffRoute(x, w, { depth: 7, trees: 2 }),
        ];
      },
    ],
    [
      'attention B3 S50 4 heads masked',
      async (b) => {
        const mask = new Int32Array(150).fill(1);
        mask.fill(0, 40, 50);
        return [
          await ops.attention(tensor(b, seeded(3 * 50 * 3 * 64, 9), [3, 50, 192]), {
            heads: 4,
            scale: 0.25,
            mask: tensor(b, mask, [3, 50]),
          }),
        ];
      },
    ],
    [
      'layerNorm, softmax, add, gelu on 600x130',
      async (b) => {
        const x = tensor(b, seeded(600 * 130, 10, 4), [600, 130]);
        const p = tensor(b, seeded(130, 11), [130]);
        return [
          await ops.layerNorm(x, p, p, 1e-12),
          await ops.softmax(x),
          await ops.add(x, p),
          await ops.gelu(x),
          await ops.meanPool(x.reshape([6, 100, 130])),
        ];
      },
    ],
  ];
  for (const isa of availableIsas()) {
    for (const [name, fn] of cases) {
      it(`${name} (${isa})`, async () => {
        const one = await make({ isa, threads: 1, syncWorkLimit: 0 });
        const two = await make({ isa, threads: 2, syncWorkLimit: 0 });
        const a = await fn(one);
        const b = await fn(two);
        for (let i = 0; i < a.length; i++)
          expect(sameBits(await b[i]!.data(), await a[i]!.data()), `output ${i}`).toBe(true);
      });
    }
  }
});

describe('attention softmax', () => {
  // Softmax subtracts the row's max before exp: with scores hundreds apart, a max that missed the
  // largest score would overflow exp to Infinity and turn the row into NaN. S = 21 puts the largest
  // score (key 20) past the last full vector block for 8 and for 16 lanes.
  for (const isa of availableIsas()) {
    it(`finds the row max past the last full vector (${isa})`, async () => {
      const b = await make({ isa, threads: 1 });
      const S = 21;
      const hd = 8;
      const qkv = new Float32Array(S * 3 * hd); // one head: [q | k | v] per token
      for (let t = 0; t < S; t++) {
        qkv[t * 3 * hd] = 20; // q = 20 e0
        qkv[t * 3 * hd + hd] = t === S - 1 ? 20 : t === 3 ? -20 : 0.5; // k: score 400 at the last key
        for (let d = 0; d < hd; d++) qkv[t * 3 * hd + 2 * hd + d] = t * 10 + d; // v identifies the key
      }
      const y = await ops.attention(tensor(b, qkv, [1, S, 3 * hd]), { heads: 1, scale: 1 });
      const got = await y.data();
      for (let s = 0; s < S; s++)
        for (let d = 0; d < hd; d++)
          expect(got[s * hd + d], `row ${s}, dim ${d}`).toBeCloseTo((S - 1) * 10 + d, 3);
      y.dispose();
    });
  }
});

describe('exact-erf GELU', () => {
  // Wide range, dense near 0 and across the branch points |x| = sqrt(2) and the tails.
  const xs: number[] = [];
  for (let v = -20; v <= 20; v += 0.00731) xs.push(v);
  for (const v of [0, -0, 1e-30, -1e-30, Math.SQRT2, -Math.SQRT2, 13.4, -13.4, 50, -50, 1e4, -1e4])
    xs.push(v);
  const x = Float32Array.from(xs);
  for (const isa of availableIsas()) {
    for (const via of ['gelu', 'linear epilogue'] as const) {
      it(`matches the float64 reference within 1e-6 absolute and relative (${isa}, ${via})`, async () => {
        const b = await make({ isa, threads: 1 });
        const t = tensor(b, x, [x.length, 1]);
        const one = tensor(b, Float32Array.of(1), [1, 1]);
        const y = via === 'gelu' ? await ops.gelu(t) : await ops.linear(t, one, { activation: 'gelu' });
        const got = await y.data();
        let worstAbs = 0;
        let worstRel = 0;
        for (let i = 0; i < x.length; i++) {
          const want = geluRef(x[i]!);
          const d = Math.abs(got[i]! - want);
          worstAbs = Math.max(worstAbs, d);
          if (Math.abs(want) > 1e-30) worstRel = Math.max(worstRel, d / Math.abs(want));
        }
        expect(worstAbs).toBeLessThan(1e-6);
        expect(worstRel).toBeLessThan(1e-6);
        disposeAll(t, one, y);
      });
    }
  }
});
