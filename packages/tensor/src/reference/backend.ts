import type { Backend, BackendStorage, StorageView } from '../backend.js';
import type { AnyTypedArray, DType } from '../dtype.js';
import { TensorDisposedError } from '../errors.js';
import { OP_INPUTS, type OpAttrs, type OpName, type OpOutputSpec } from '../ops/catalogue.js';
import { gelu } from './erf.js';
import * as k from './kernels.js';

interface RefStorage {
  data: AnyTypedArray | null;
}

function arr(v: StorageView | undefined): AnyTypedArray {
  const d = (v!.storage as RefStorage).data;
  if (!d) throw new TensorDisposedError('reference backend: storage was freed');
  return d;
}
const f32 = (v: StorageView | undefined) => arr(v) as Float32Array;
const i32 = (v: StorageView | undefined) => (v ? (arr(v) as Int32Array) : undefined);

/**
 * The reference backend: pure TypeScript, no dependencies, runs anywhere JS runs.
 * It defines the numerics every other backend is tested against (float64 accumulation).
 */
export class ReferenceBackend implements Backend {
  readonly name = 'reference';

  supports(op: OpName, dtype: DType): boolean {
    return op in OP_INPUTS && OP_INPUTS[op][0]!.dtype === dtype;
  }

  upload(data: AnyTypedArray): BackendStorage {
    return { data: data.slice() } satisfies RefStorage;
  }

  async read(storage: BackendStorage): Promise<AnyTypedArray> {
    const d = (storage as RefStorage).data;
    if (!d) throw new TensorDisposedError('reference backend: storage was freed');
    return d.slice();
  }

  free(storage: BackendStorage): void {
    (storage as RefStorage).data = null;
  }

  async run<K extends OpName>(
    op: K,
    i: Readonly<Record<string, StorageView | undefined>>,
    attrs: OpAttrs[K],
    outputs: readonly OpOutputSpec[],
  ): Promise<BackendStorage[]> {
    return this.compute(op, i, attrs as Record<string, never>, outputs).map((data) => ({ data }));
  }

  private compute(
    op: OpName,
    i: Readonly<Record<string, StorageView | undefined>>,
    a: Record<string, never>,
    outputs: readonly OpOutputSpec[],
  ): AnyTypedArray[] {
    const at = a as unknown as OpAttrs[OpName] & Record<string, number & string>;
    switch (op) {
      case 'linear':
        return [
          k.linear(
            f32(i.x),
            i.x!.shape,
            f32(i.weight),
            i.weight!.shape,
            i.bias && f32(i.bias),
            at.activation ?? 'none',
          ),
        ];
      case 'fff':
        return [
          k.fff(
            f32(i.x),
            i.x!.shape,
            f32(i.wIn),
            f32(i.bIn),
            f32(i.wOut),
            i.wOut!.shape[1]!,
            at.depth,
            at.trees,
          ),
        ];
      case 'fffRoute':
        return [k.fffRoute(f32(i.x), i.x!.shape, f32(i.wIn), f32(i.bIn), at.depth, at.trees)];
      case 'layerNorm':
        return [k.layerNorm(f32(i.x), i.x!.shape, f32(i.weight), f32(i.bias), at.eps)];
      case 'attention':
        return [k.attention(f32(i.qkv), i.qkv!.shape, i32(i.mask), at.heads, at.scale)];
      case 'gelu':
        return [k.map(f32(i.x), gelu)];
      case 'tanh':
        return [k.map(f32(i.x), Math.tanh)];
      case 'add':
        return [k.add(f32(i.a), f32(i.b))];
      case 'embedding':
        return [k.embedding(f32(i.table), i.table!.shape, i32(i.ids)!)];
      case 'meanPool':
        return [k.meanPool(f32(i.x), i.x!.shape, i32(i.mask))];
      case 'softmax':
        return [k.softmax(f32(i.x), i.x!.shape)];
      case 'topk':
        return k.topk(f32(i.x), i.x!.shape, outputs[0]!.shape[outputs[0]!.shape.length - 1]!);
    }
  }
}

/** A fresh reference backend. Backends are values: pass it where a backend is wanted. */
export function referenceBackend(): ReferenceBackend {
  return new ReferenceBackend();
}
