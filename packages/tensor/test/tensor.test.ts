import { describe, expect, it } from 'vitest';
import {
  BackendMismatchError,
  BackendResolutionError,
  InvalidArgumentError,
  ops,
  ReferenceBackend,
  resolveBackend,
  ShapeError,
  TensorDisposedError,
  tensor,
  UnsupportedOpError,
} from '../src/index.js';

/** A reference backend that counts frees, to observe storage lifetimes. */
class CountingBackend extends ReferenceBackend {
  frees = 0;
  override free(s: object): void {
    this.frees++;
    super.free(s);
  }
}

describe('Tensor', () => {
  it('round-trips data asynchronously and reports shape/dtype', async () => {
    const b = new ReferenceBackend();
    const t = tensor(b, new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('f32');
    expect(t.size).toBe(6);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    const i = tensor(b, new Int32Array([7]), []);
    expect(i.dtype).toBe('i32');
    expect(Array.from(await i.data())).toEqual([7]);
  });

  it('copies on upload: mutating the source array does not change the tensor', async () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(new ReferenceBackend(), src, [2]);
    src[0] = 99;
    expect((await t.data())[0]).toBe(1);
  });

  it('rejects data whose length does not match the shape', () => {
    expect(() => tensor(new ReferenceBackend(), new Float32Array(5), [2, 3])).toThrow(ShapeError);
    expect(() => tensor(new ReferenceBackend(), new Float32Array(1), [-1])).toThrow(/invalid dimension -1/);
  });

  it('dispose is idempotent and use after dispose is a typed error', async () => {
    const b = new CountingBackend();
    const t = tensor(b, new Float32Array(4), [4]);
    t.dispose();
    t.dispose();
    expect(b.frees).toBe(1);
    await expect(t.data()).rejects.toThrow(TensorDisposedError);
    await expect(ops.gelu(t)).rejects.toThrow(TensorDisposedError);
  });

  it('reshape shares storage, which is freed only after the last handle is disposed', async () => {
    const b = new CountingBackend();
    const t = tensor(b, new Float32Array([1, 2, 3, 4]), [2, 2]);
    const r = t.reshape([4]);
    t.dispose();
    expect(b.frees).toBe(0);
    expect(Array.from(await r.data())).toEqual([1, 2, 3, 4]);
    r.dispose();
    expect(b.frees).toBe(1);
    expect(() => tensor(b, new Float32Array(4), [4]).reshape([3])).toThrow(/cannot view \[4\]/);
  });

  it('an input disposed while its op runs stays alive until the op finishes', async () => {
    const b = new CountingBackend();
    const x = tensor(b, new Float32Array([0.5, -1]), [2]);
    const pending = ops.gelu(x);
    x.dispose();
    const y = await pending;
    expect(b.frees).toBe(1);
    expect((await y.data())[0]).toBeCloseTo(0.3457, 4);
  });
});

describe('op validation (shared by every backend)', () => {
  const b = new ReferenceBackend();
  it('names the op, the input and both shapes on a mismatch', async () => {
    const x = tensor(b, new Float32Array(6), [2, 3]);
    const w = tensor(b, new Float32Array(8), [2, 4]);
    await expect(ops.linear(x, w)).rejects.toThrow(
      /linear: weight \[2, 4\] expects input width 4, x is \[2, 3\]/,
    );
  });
  it('rejects a wrong dtype', async () => {
    const t = tensor(b, new Float32Array(4), [2, 2]);
    const ids = tensor(b, new Float32Array(2), [2]);
    await expect(ops.embedding(t, ids)).rejects.toThrow(/'ids' must be i32, got f32/);
  });
  it('rejects an FFF weight with the wrong node count for the depth', async () => {
    const x = tensor(b, new Float32Array(4), [1, 4]);
    const wIn = tensor(b, new Float32Array(7 * 4), [7, 4]);
    const bIn = tensor(b, new Float32Array(7), [7]);
    const wOut = tensor(b, new Float32Array(7 * 4), [7, 4]);
    await expect(ops.fff(x, { wIn, bIn, wOut }, { depth: 3, trees: 1 })).rejects.toThrow(
      /1\*15 = 15 rows for depth 3/,
    );
    await expect(ops.fff(x, { wIn, bIn, wOut }, { depth: 2, trees: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
  });
  it('rejects k larger than the last dimension', async () => {
    await expect(ops.topk(tensor(b, new Float32Array(3), [3]), 4)).rejects.toThrow(
      /k = 4 exceeds the last dim 3/,
    );
  });
  it('rejects tensors from two backends in one op', async () => {
    const a = tensor(new ReferenceBackend(), new Float32Array(2), [2]);
    const c = tensor(new ReferenceBackend(), new Float32Array(2), [2]);
    await expect(ops.add(a, c)).rejects.toThrow(BackendMismatchError);
  });
  it('asks the backend whether it supports the op before running it', async () => {
    class NoTopk extends ReferenceBackend {
      override supports(
        op: Parameters<ReferenceBackend['supports']>[0],
        d: Parameters<ReferenceBackend['supports']>[1],
      ) {
        return op !== 'topk' && super.supports(op, d);
      }
    }
    await expect(ops.topk(tensor(new NoTopk(), new Float32Array(3), [3]), 1)).rejects.toThrow(
      UnsupportedOpError,
    );
  });
});

describe('resolveBackend', () => {
  it('returns the first candidate that works', async () => {
    const ref = new ReferenceBackend();
    const b = await resolveBackend([
      { name: 'broken', create: () => Promise.reject(new Error('addon missing')) },
      { name: 'ref', create: () => ref },
    ]);
    expect(b).toBe(ref);
  });
  it('names every failed candidate in one error', async () => {
    const err = await resolveBackend([
      { name: 'cpu', create: () => Promise.reject(new Error('addon missing')) },
      { name: 'webgpu', create: () => Promise.reject(new Error('no adapter')) },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendResolutionError);
    expect((err as Error).message).toMatch(/cpu: addon missing[\s\S]*webgpu: no adapter/);
    expect((err as BackendResolutionError).failures).toHaveLength(2);
  });
});
