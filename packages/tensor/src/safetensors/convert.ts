/**
 * Conversions from a tensor's bytes to host arrays, shared by the in-memory `SafetensorsFile` and the Node
 * lazy reader so both give the same arrays and the same errors.
 */
import { HOST_LITTLE_ENDIAN, type RawArray, SAFETENSORS_DTYPES } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { bf16ToFloat32, f8ToFloat32, f16ToFloat32 } from './half.js';
import type { SafetensorsEntry } from './header.js';

/** A copy of `bytes` with each `size`-byte element reversed (little-endian ↔ big-endian). */
export function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) {
    for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j]!;
  }
  return out;
}

type RawCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => RawArray;

/**
 * The tensor's elements in its own dtype, from exactly its bytes (`bytes.length === entry.byteLength`).
 * A zero-copy view over `bytes.buffer` when `bytes` is aligned for the element size (and the host is
 * little-endian); otherwise a copy.
 */
export function rawFromBytes(
  entry: SafetensorsEntry,
  bytes: Uint8Array,
  littleEndianHost: boolean = HOST_LITTLE_ENDIAN,
): RawArray {
  const { size, array } = SAFETENSORS_DTYPES[entry.dtype];
  const Ctor = array as unknown as RawCtor;
  const count = bytes.length / size;
  if (size > 1 && !littleEndianHost) return new Ctor(swapBytes(bytes, size).buffer, 0, count);
  if (bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, count);
  // Uint8Array's slice, not the argument's own: Node's Buffer#slice is a view, not a copy.
  return new Ctor(Uint8Array.prototype.slice.call(bytes).buffer, 0, count);
}

function where(entry: SafetensorsEntry, source: string | undefined, offset = entry.offset) {
  return { source, tensor: entry.name, offset };
}

/** F32 (as is), F64, F16, BF16, F8_E4M3 and F8_E5M2 (converted) as a Float32Array. */
export function float32FromRaw(entry: SafetensorsEntry, raw: RawArray, source?: string): Float32Array {
  switch (entry.dtype) {
    case 'F32':
      return raw as Float32Array;
    case 'F64':
      return new Float32Array(raw as Float64Array);
    case 'F16':
      return f16ToFloat32(raw as Uint16Array);
    case 'BF16':
      return bf16ToFloat32(raw as Uint16Array);
    case 'F8_E4M3':
    case 'F8_E5M2':
      return f8ToFloat32(raw as Uint8Array, entry.dtype);
    default:
      throw new SafetensorsError(
        `dtype ${entry.dtype} cannot be read as float32 (float32() takes F64, F32, F16, BF16, F8_E4M3, ` +
          'F8_E5M2; use int32() or raw())',
        where(entry, source),
      );
  }
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

function outOfRange(
  entry: SafetensorsEntry,
  source: string | undefined,
  index: number,
  value: number | bigint,
) {
  const size = SAFETENSORS_DTYPES[entry.dtype].size;
  return new SafetensorsError(
    `element ${index} = ${value} (${entry.dtype}) is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`,
    where(entry, source, entry.offset + index * size),
  );
}

/** Integer and BOOL dtypes as an Int32Array (I32 as is); a value outside int32 range is an error. */
export function int32FromRaw(entry: SafetensorsEntry, raw: RawArray, source?: string): Int32Array {
  switch (entry.dtype) {
    case 'I32':
      return raw as Int32Array;
    case 'I16':
    case 'I8':
    case 'U16':
    case 'U8':
      return new Int32Array(raw as Int16Array | Int8Array | Uint16Array | Uint8Array);
    case 'BOOL': {
      const src = raw as Uint8Array;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i] === 0 ? 0 : 1;
      return out;
    }
    case 'U32': {
      const src = raw as Uint32Array;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v > INT32_MAX) throw outOfRange(entry, source, i, v);
        out[i] = v;
      }
      return out;
    }
    case 'I64':
    case 'U64': {
      const src = raw as BigInt64Array | BigUint64Array;
      const out = new Int32Array(src.length);
      const lo = BigInt(INT32_MIN);
      const hi = BigInt(INT32_MAX);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v < lo || v > hi) throw outOfRange(entry, source, i, v);
        out[i] = Number(v);
      }
      return out;
    }
    default:
      throw new SafetensorsError(
        `dtype ${entry.dtype} cannot be read as int32 (int32() takes I64, I32, I16, I8, U64, U32, U16, U8, ` +
          'BOOL; use float32() or raw())',
        where(entry, source),
      );
  }
}
