/** Element types a backend tensor can hold. Files may hold more (see safetensors). */
export type DType = 'f32' | 'i32';

export interface DTypeArrays {
  f32: Float32Array;
  i32: Int32Array;
}
export type TypedArrayOf<D extends DType> = DTypeArrays[D];
export type AnyTypedArray = DTypeArrays[DType];

export const DTYPES: readonly DType[] = ['f32', 'i32'];

export function allocate<D extends DType>(dtype: D, size: number): TypedArrayOf<D> {
  return (dtype === 'f32' ? new Float32Array(size) : new Int32Array(size)) as TypedArrayOf<D>;
}

export function dtypeOfArray(data: ArrayLike<number>): DType | undefined {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Int32Array) return 'i32';
  return undefined;
}

/**
 * A tensor held in ordinary JS memory: what goes into `upload` and comes out of `read`,
 * safetensors files and CLI I/O. No backend owns it.
 */
export interface HostTensor<D extends DType = DType> {
  dtype: D;
  shape: readonly number[];
  data: TypedArrayOf<D>;
}
