/** Every element type the safetensors format names. */
export type SafetensorsDType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'F8_E4M3'
  | 'F8_E5M2'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** Host array constructors used for each dtype's raw elements (F16/BF16 as raw bits, F8 and BOOL as bytes). */
export type RawArrayConstructor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor;

export type RawArray =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

export interface SafetensorsDTypeInfo {
  /** Bytes per element. */
  size: number;
  /** The host array `raw()` returns. */
  array: RawArrayConstructor;
}

export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, SafetensorsDTypeInfo>> = Object.freeze({
  F64: { size: 8, array: Float64Array },
  F32: { size: 4, array: Float32Array },
  F16: { size: 2, array: Uint16Array },
  BF16: { size: 2, array: Uint16Array },
  F8_E4M3: { size: 1, array: Uint8Array },
  F8_E5M2: { size: 1, array: Uint8Array },
  I64: { size: 8, array: BigInt64Array },
  I32: { size: 4, array: Int32Array },
  I16: { size: 2, array: Int16Array },
  I8: { size: 1, array: Int8Array },
  U64: { size: 8, array: BigUint64Array },
  U32: { size: 4, array: Uint32Array },
  U16: { size: 2, array: Uint16Array },
  U8: { size: 1, array: Uint8Array },
  BOOL: { size: 1, array: Uint8Array },
});

export const SAFETENSORS_DTYPE_NAMES = Object.freeze(
  Object.keys(SAFETENSORS_DTYPES),
) as readonly SafetensorsDType[];

export function isSafetensorsDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, x);
}

/** True when this host stores multi-byte numbers little-endian (all current JS engines on x86/ARM). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
