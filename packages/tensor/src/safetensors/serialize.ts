import { swapBytes } from './convert.js';
import {
  HOST_LITTLE_ENDIAN,
  isSafetensorsDType,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
} from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { float32ToBF16, float32ToF16 } from './half.js';

export interface SafetensorsTensorInput {
  dtype: SafetensorsDType;
  shape: readonly number[];
  /**
   * The elements, row-major, as the typed array `raw()` returns for the dtype (Float32Array for F32,
   * BigInt64Array for I64, Uint16Array of bits for F16/BF16, Uint8Array for U8/BOOL/F8_*, ...). For F16 and
   * BF16 a Float32Array is also accepted and converted (round to nearest even).
   */
  data: ArrayBufferView;
}

type ViewCtor = abstract new (...args: never[]) => ArrayBufferView;

const ACCEPTED: Record<SafetensorsDType, readonly ViewCtor[]> = {
  F64: [Float64Array],
  F32: [Float32Array],
  F16: [Uint16Array, Float32Array],
  BF16: [Uint16Array, Float32Array],
  F8_E4M3: [Uint8Array],
  F8_E5M2: [Uint8Array],
  I64: [BigInt64Array],
  I32: [Int32Array],
  I16: [Int16Array],
  I8: [Int8Array],
  U64: [BigUint64Array],
  U32: [Uint32Array],
  U16: [Uint16Array],
  U8: [Uint8Array, Uint8ClampedArray],
  BOOL: [Uint8Array],
};

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The tensor's little-endian bytes, after checking dtype, shape and data agree. */
function tensorBytes(name: string, t: SafetensorsTensorInput): Uint8Array {
  const at = { tensor: name };
  if (typeof t !== 'object' || t === null) throw new SafetensorsError('tensor input must be an object', at);
  if (!isSafetensorsDType(t.dtype)) throw new SafetensorsError(`unknown dtype ${String(t.dtype)}`, at);
  if (!Array.isArray(t.shape)) throw new SafetensorsError('shape must be an array', at);
  let count = 1;
  for (let i = 0; i < t.shape.length; i++) {
    const d = t.shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new SafetensorsError(`shape[${i}] = ${String(d)} is not a non-negative safe integer`, at);
    }
    count = d === 0 ? 0 : count * d;
  }
  const data = t.data;
  const accepted = ACCEPTED[t.dtype];
  if (!ArrayBuffer.isView(data) || !accepted.some((c) => data instanceof c)) {
    const got = ArrayBuffer.isView(data) ? data.constructor.name : typeof data;
    throw new SafetensorsError(
      `data for dtype ${t.dtype} must be ${accepted.map((c) => c.name).join(' or ')}, got ${got}`,
      at,
    );
  }
  const length = (data as unknown as { length: number }).length;
  if (length !== count) {
    throw new SafetensorsError(
      `data has ${length} elements but shape [${t.shape.join(', ')}] has ${count}`,
      at,
    );
  }
  const size = SAFETENSORS_DTYPES[t.dtype].size;
  let view: ArrayBufferView = data;
  if ((t.dtype === 'F16' || t.dtype === 'BF16') && data instanceof Float32Array) {
    view = t.dtype === 'F16' ? float32ToF16(data) : float32ToBF16(data);
  }
  const bytes = bytesOf(view);
  return size > 1 && !HOST_LITTLE_ENDIAN ? swapBytes(bytes, size) : bytes;
}

/**
 * Writes tensors (in name order, contiguous, no gaps) and optional string metadata as a safetensors file.
 * The JSON header is padded with spaces so the data section starts at a multiple of 8.
 */
export function serializeSafetensors(
  tensors: Record<string, SafetensorsTensorInput>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new SafetensorsError('metadata must be an object mapping strings to strings', {
        tensor: '__metadata__',
      });
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError(
          `metadata value for key ${JSON.stringify(k)} must be a string, got ${typeof v}`,
          {
            tensor: '__metadata__',
          },
        );
      }
    }
    Object.defineProperty(header, '__metadata__', {
      value: Object.fromEntries(Object.entries(metadata)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const names = Object.keys(tensors).sort();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') {
      throw new SafetensorsError('"__metadata__" is reserved and cannot name a tensor', { tensor: name });
    }
    const t = tensors[name]!;
    const bytes = tensorBytes(name, t);
    // defineProperty so a tensor named "__proto__" is an ordinary key.
    Object.defineProperty(header, name, {
      value: { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
