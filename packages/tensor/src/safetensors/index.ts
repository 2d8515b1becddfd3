/**
 * safetensors read and write (browser-safe: no `node:` imports; the Node lazy reader and file helpers are in
 * `@ultrafastbert/tensor/node`).
 *
 * Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON (`{name: {dtype, shape,
 * data_offsets: [begin, end]}, "__metadata__"?: {string: string}}`, padded with spaces), then the data
 * section, which the tensors must cover exactly.
 *
 * - `parseSafetensors(bytes, source?)` validates everything up front (see `parseSafetensorsHeader` for the
 *   rules) and returns a `SafetensorsFile` with `raw` (own dtype, zero-copy when aligned), `float32`
 *   (F32/F64/F16/BF16/F8) and `int32` (integers/BOOL, range-checked).
 * - `serializeSafetensors(tensors, metadata?)` writes tensors in name order, contiguous, header padded to 8.
 * - `float32ToF16` / `f16ToFloat32` / `float32ToBF16` / `bf16ToFloat32`: round to nearest even, NaN/Inf kept.
 * - Every failure is a `SafetensorsError` (`code: 'E_SAFETENSORS'`) naming the file, tensor and byte offset.
 */
export { float32FromRaw, int32FromRaw, rawFromBytes } from './convert.js';
export {
  isSafetensorsDType,
  type RawArray,
  SAFETENSORS_DTYPE_NAMES,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
  type SafetensorsDTypeInfo,
} from './dtypes.js';
export { SafetensorsError, type SafetensorsErrorDetails } from './errors.js';
export { parseSafetensors, SafetensorsFile } from './file.js';
export { bf16ToFloat32, f8ToFloat32, f16ToFloat32, float32ToBF16, float32ToF16 } from './half.js';
export {
  parseSafetensorsHeader,
  SAFETENSORS_MAX_HEADER_LENGTH,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './header.js';
export { type SafetensorsTensorInput, serializeSafetensors } from './serialize.js';
