import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bf16ToFloat32,
  f8ToFloat32,
  f16ToFloat32,
  float32ToBF16,
  float32ToF16,
  parseSafetensors,
  parseSafetensorsHeader,
  rawFromBytes,
  SAFETENSORS_DTYPE_NAMES,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
  SafetensorsError,
  type SafetensorsTensorInput,
  serializeSafetensors,
  UltraFastBertError,
} from '../src/index.js';
import { GOLDEN } from './shared.js';

// ---------------------------------------------------------------------------------------------- helpers

/** A file with a hand-written header (no padding) and `data` (or that many zero bytes) after it. */
function build(header: unknown, data: Uint8Array | number = 0): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  return withHeaderBytes(json, data);
}

function withHeaderBytes(json: Uint8Array, data: Uint8Array | number = 0): Uint8Array {
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function catchError(fn: () => unknown): SafetensorsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    return err as SafetensorsError;
  }
  throw new Error('expected a SafetensorsError, nothing was thrown');
}

function expectParseError(bytes: Uint8Array, fragment: string | RegExp, source = 'bad.safetensors') {
  const err = catchError(() => parseSafetensors(bytes, source));
  expect(err.code).toBe('E_SAFETENSORS');
  expect(err.source).toBe(source);
  expect(err.message).toContain(`'${source}'`);
  if (typeof fragment === 'string') expect(err.message).toContain(fragment);
  else expect(err.message).toMatch(fragment);
  return err;
}

/** Sample data for a dtype: `n` elements in the array `raw()` returns. */
function sample(dtype: SafetensorsDType, n: number): ArrayBufferView {
  const ints = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i : -i));
  switch (dtype) {
    case 'F64':
      return Float64Array.from(ints, (v) => v * 0.125 + 1e-300);
    case 'F32':
      return Float32Array.from(ints, (v) => v * 0.5);
    case 'F16':
    case 'BF16':
    case 'U16':
      return Uint16Array.from(ints, (v) => (v * 977) & 0xffff);
    case 'I64':
      return BigInt64Array.from(ints, (v) => BigInt(v) * 3_000_000_000n);
    case 'U64':
      return BigUint64Array.from(ints, (v) => BigInt(Math.abs(v)) * 0x1_0000_0001n);
    case 'I32':
      return Int32Array.from(ints, (v) => v * 100_000);
    case 'U32':
      return Uint32Array.from(ints, (v) => Math.abs(v) * 7);
    case 'I16':
      return Int16Array.from(ints, (v) => v * 300);
    case 'I8':
      return Int8Array.from(ints);
    case 'BOOL':
      return Uint8Array.from(ints, (v) => (v === 0 ? 0 : 1));
    default:
      return Uint8Array.from(ints, (v) => v & 0xff);
  }
}

// ---------------------------------------------------------------------------------------------- round trip

describe('serializeSafetensors / parseSafetensors round trip', () => {
  it('round-trips every dtype with matrix, 0-d and empty shapes, and metadata', () => {
    const tensors: Record<string, SafetensorsTensorInput> = {};
    for (const dtype of SAFETENSORS_DTYPE_NAMES) {
      tensors[`${dtype}.matrix`] = { dtype, shape: [2, 3], data: sample(dtype, 6) };
      tensors[`${dtype}.scalar`] = { dtype, shape: [], data: sliceOne(sample(dtype, 2)) };
      tensors[`${dtype}.empty`] = { dtype, shape: [3, 0], data: sliceNone(sample(dtype, 1)) };
    }
    const metadata: Record<string, string> = Object.fromEntries([
      ['format', 'pt'],
      ['note', 'ünïcödé ✓'],
      ['__proto__', 'plain key'],
    ]);
    const bytes = serializeSafetensors(tensors, metadata);
    const file = parseSafetensors(bytes, 'rt.safetensors');
    expect(file.metadata).toEqual({ ...metadata });
    expect(Object.hasOwn(file.metadata, '__proto__')).toBe(true);
    expect(file.names.length).toBe(SAFETENSORS_DTYPE_NAMES.length * 3);
    for (const [name, t] of Object.entries(tensors)) {
      const e = file.entry(name);
      expect(e.dtype).toBe(t.dtype);
      expect(e.shape).toEqual([...t.shape]);
      const raw = file.raw(name);
      expect(raw.constructor).toBe(SAFETENSORS_DTYPES[t.dtype].array);
      expect(Array.from(raw as ArrayLike<number>)).toEqual(
        Array.from(t.data as unknown as ArrayLike<number>),
      );
    }
    expect(file.raw('F32.scalar')).toHaveLength(1);
    expect(file.raw('I64.empty')).toHaveLength(0);
  });

  it('writes the documented layout: header padded with spaces to 8, tensors in name order, contiguous', () => {
    const bytes = serializeSafetensors({
      b: { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) },
      a: { dtype: 'U8', shape: [3], data: Uint8Array.of(7, 8, 9) },
      c: { dtype: 'I64', shape: [], data: BigInt64Array.of(-5n) },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.endsWith(' ') || text.endsWith('}')).toBe(true);
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(['a', 'b', 'c']);
    expect(json.a.data_offsets).toEqual([0, 3]);
    expect(json.b.data_offsets).toEqual([3, 11]);
    expect(json.c.data_offsets).toEqual([11, 19]);
    expect(bytes.length).toBe(8 + n + 19);
    const file = parseSafetensors(bytes);
    expect(file.names).toEqual(['a', 'b', 'c']);
    expect(file.entry('b').offset).toBe(8 + n + 3);
    expect(Array.from(file.float32('b'))).toEqual([1, 2]);
    expect(Array.from(file.int32('c'))).toEqual([-5]);
  });

  it('writes no __metadata__ key without metadata, and an empty file for no tensors', () => {
    const bytes = serializeSafetensors({});
    const file = parseSafetensors(bytes);
    expect(file.names).toEqual([]);
    expect(file.metadata).toEqual({});
    expect(new TextDecoder().decode(bytes.subarray(8)).trim()).toBe('{}');
  });

  it('names are ordered by offset, not by header order', () => {
    const bytes = build(
      {
        z: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
        a: { dtype: 'U8', shape: [2], data_offsets: [1, 3] },
        e: { dtype: 'U8', shape: [0], data_offsets: [3, 3] },
      },
      Uint8Array.of(1, 2, 3),
    );
    const file = parseSafetensors(bytes);
    expect(file.names).toEqual(['z', 'a', 'e']);
    expect(Array.from(file.raw('a') as Uint8Array)).toEqual([2, 3]);
    expect(file.raw('e')).toHaveLength(0);
  });

  it('converts a Float32Array to F16 / BF16 when writing', () => {
    const bytes = serializeSafetensors({
      h: { dtype: 'F16', shape: [3], data: Float32Array.of(1, -2, 0.1) },
      b: { dtype: 'BF16', shape: [3], data: Float32Array.of(1, -2, 0.1) },
    });
    const file = parseSafetensors(bytes);
    expect(Array.from(file.raw('h') as Uint16Array)).toEqual([0x3c00, 0xc000, 0x2e66]);
    expect(Array.from(file.raw('b') as Uint16Array)).toEqual([0x3f80, 0xc000, 0x3dcd]);
    expect(Array.from(file.float32('h'))).toEqual([1, -2, Math.fround(0.0999755859375)]);
    expect(file.float32('b')[2]).toBeCloseTo(0.1, 3);
  });

  it('rejects bad writer input with SafetensorsError naming the tensor', () => {
    const cases: [Record<string, SafetensorsTensorInput>, string][] = [
      [
        { t: { dtype: 'F32', shape: [2], data: Float64Array.of(1, 2) } },
        'must be Float32Array, got Float64Array',
      ],
      [{ t: { dtype: 'I64', shape: [2], data: Int32Array.of(1, 2) } }, 'must be BigInt64Array'],
      [
        { t: { dtype: 'F32', shape: [3], data: Float32Array.of(1, 2) } },
        'data has 2 elements but shape [3] has 3',
      ],
      [{ t: { dtype: 'F32', shape: [-1], data: Float32Array.of() } }, 'shape[0] = -1'],
      [{ t: { dtype: 'X' as SafetensorsDType, shape: [], data: Float32Array.of(1) } }, 'unknown dtype X'],
      [{ __metadata__: { dtype: 'F32', shape: [], data: Float32Array.of(1) } }, 'reserved'],
    ];
    for (const [tensors, fragment] of cases) {
      const err = catchError(() => serializeSafetensors(tensors));
      expect(err.message).toContain(fragment);
      expect(err.tensor).toBe(Object.keys(tensors)[0]);
    }
    const err = catchError(() => serializeSafetensors({}, { a: 1 as unknown as string }));
    expect(err.message).toContain('metadata value for key "a" must be a string');
  });

  it('keeps a tensor named __proto__ as an ordinary tensor', () => {
    const tensors = Object.fromEntries([
      ['__proto__', { dtype: 'F32', shape: [1], data: Float32Array.of(3) }],
    ]);
    const file = parseSafetensors(serializeSafetensors(tensors as Record<string, SafetensorsTensorInput>));
    expect(file.names).toEqual(['__proto__']);
    expect(Array.from(file.float32('__proto__'))).toEqual([3]);
  });
});

function sliceOne(a: ArrayBufferView): ArrayBufferView {
  return (a as unknown as { slice(b: number, e: number): ArrayBufferView }).slice(1, 2);
}
function sliceNone(a: ArrayBufferView): ArrayBufferView {
  return (a as unknown as { slice(b: number, e: number): ArrayBufferView }).slice(0, 0);
}

// ---------------------------------------------------------------------------------------------- reading

describe('SafetensorsFile reading', () => {
  it('float32() returns a zero-copy view of the input buffer for aligned F32', () => {
    const bytes = serializeSafetensors({
      w: { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
    });
    const file = parseSafetensors(bytes);
    const w = file.float32('w');
    expect(w.buffer).toBe(bytes.buffer);
    expect(w.byteOffset).toBe(file.entry('w').offset);
    expect(Array.from(w)).toEqual([1, 2, 3, 4]);
    expect(file.raw('w').buffer).toBe(bytes.buffer);
  });

  it('int32() and raw() are zero-copy for aligned I32 / I64', () => {
    const bytes = serializeSafetensors({
      a: { dtype: 'I64', shape: [2], data: BigInt64Array.of(1n, -2n) },
      b: { dtype: 'I32', shape: [2], data: Int32Array.of(3, -4) },
    });
    const file = parseSafetensors(bytes);
    expect(file.raw('a').buffer).toBe(bytes.buffer);
    expect(file.int32('b').buffer).toBe(bytes.buffer);
    expect(Array.from(file.int32('a'))).toEqual([1, -2]);
    expect(Array.from(file.int32('b'))).toEqual([3, -4]);
  });

  it('copies a tensor whose offset is not aligned, with the right values', () => {
    const bytes = serializeSafetensors({
      a: { dtype: 'U8', shape: [1], data: Uint8Array.of(9) },
      b: { dtype: 'F32', shape: [2], data: Float32Array.of(1.5, -2.25) },
      c: { dtype: 'I64', shape: [1], data: BigInt64Array.of(-7n) },
    });
    const file = parseSafetensors(bytes);
    expect(file.entry('b').offset % 4).toBe(1);
    const b = file.float32('b');
    expect(b.buffer).not.toBe(bytes.buffer);
    expect(Array.from(b)).toEqual([1.5, -2.25]);
    expect(Array.from(file.raw('c') as BigInt64Array)).toEqual([-7n]);
  });

  it('reads from a Node Buffer at an odd offset (whose slice/subarray are views) with a real copy', () => {
    const inner = serializeSafetensors({
      a: { dtype: 'U8', shape: [1], data: Uint8Array.of(1) },
      b: { dtype: 'I64', shape: [2], data: BigInt64Array.of(-3n, 4n) },
      c: { dtype: 'F32', shape: [1], data: Float32Array.of(2.5) },
    });
    const pool = Buffer.alloc(inner.length + 5, 0xee);
    pool.set(inner, 5);
    const file = parseSafetensors(pool.subarray(5));
    expect(Array.from(file.raw('b') as BigInt64Array)).toEqual([-3n, 4n]);
    expect(Array.from(file.int32('b'))).toEqual([-3, 4]);
    expect(Array.from(file.float32('c'))).toEqual([2.5]);
  });

  it('copies when the input Uint8Array itself sits at an odd byteOffset', () => {
    const inner = serializeSafetensors({ w: { dtype: 'F32', shape: [2], data: Float32Array.of(5, 6) } });
    const outer = new Uint8Array(inner.length + 1);
    outer.set(inner, 1);
    const file = parseSafetensors(outer.subarray(1));
    const w = file.float32('w');
    expect(w.buffer).not.toBe(outer.buffer);
    expect(Array.from(w)).toEqual([5, 6]);
  });

  it('float32() converts F64, F16, BF16 and F8; rejects integer dtypes naming tensor and dtype', () => {
    const file = parseSafetensors(
      serializeSafetensors({
        d: { dtype: 'F64', shape: [2], data: Float64Array.of(0.5, 1e300) },
        h: { dtype: 'F16', shape: [2], data: Uint16Array.of(0x3c00, 0x7c00) },
        b: { dtype: 'BF16', shape: [1], data: Uint16Array.of(0xc040) },
        e4: { dtype: 'F8_E4M3', shape: [2], data: Uint8Array.of(0x38, 0xb8) },
        e5: { dtype: 'F8_E5M2', shape: [2], data: Uint8Array.of(0x3c, 0x7c) },
        i: { dtype: 'I32', shape: [1], data: Int32Array.of(1) },
      }),
      'f.safetensors',
    );
    expect(Array.from(file.float32('d'))).toEqual([0.5, Number.POSITIVE_INFINITY]);
    expect(Array.from(file.float32('h'))).toEqual([1, Number.POSITIVE_INFINITY]);
    expect(Array.from(file.float32('b'))).toEqual([-3]);
    expect(Array.from(file.float32('e4'))).toEqual([1, -1]);
    expect(Array.from(file.float32('e5'))).toEqual([1, Number.POSITIVE_INFINITY]);
    const err = catchError(() => file.float32('i'));
    expect(err.message).toContain('"i"');
    expect(err.message).toContain('dtype I32 cannot be read as float32');
    expect(err.tensor).toBe('i');
    expect(err.source).toBe('f.safetensors');
  });

  it('int32() converts integer and BOOL dtypes; rejects floats and out-of-range values naming the element', () => {
    const file = parseSafetensors(
      serializeSafetensors({
        i8: { dtype: 'I8', shape: [2], data: Int8Array.of(-128, 127) },
        u16: { dtype: 'U16', shape: [1], data: Uint16Array.of(65535) },
        bool: { dtype: 'BOOL', shape: [3], data: Uint8Array.of(0, 1, 2) },
        u32: { dtype: 'U32', shape: [2], data: Uint32Array.of(0x7fffffff, 0x80000000) },
        i64: { dtype: 'I64', shape: [3], data: BigInt64Array.of(-(2n ** 31n), 2n ** 31n - 1n, 2n ** 31n) },
        u64: { dtype: 'U64', shape: [2], data: BigUint64Array.of(5n, 2n ** 63n) },
        f: { dtype: 'F32', shape: [1], data: Float32Array.of(1) },
      }),
      'i.safetensors',
    );
    expect(Array.from(file.int32('i8'))).toEqual([-128, 127]);
    expect(Array.from(file.int32('u16'))).toEqual([65535]);
    expect(Array.from(file.int32('bool'))).toEqual([0, 1, 1]);
    const e1 = catchError(() => file.int32('i64'));
    expect(e1.message).toContain('element 2 = 2147483648 (I64) is outside the int32 range');
    expect(e1.tensor).toBe('i64');
    expect(e1.offset).toBe(file.entry('i64').offset + 16);
    expect(catchError(() => file.int32('u32')).message).toContain('element 1 = 2147483648 (U32)');
    expect(catchError(() => file.int32('u64')).message).toContain('element 1 = 9223372036854775808 (U64)');
    expect(catchError(() => file.int32('f')).message).toContain('dtype F32 cannot be read as int32');
  });

  it('a missing tensor is a SafetensorsError naming the tensor and the file', () => {
    const file = parseSafetensors(serializeSafetensors({}), 'model.safetensors');
    expect(file.has('nope')).toBe(false);
    for (const fn of [() => file.entry('nope'), () => file.raw('nope'), () => file.float32('nope')]) {
      const err = catchError(fn);
      expect(err.message).toContain('"nope"');
      expect(err.message).toContain("'model.safetensors'");
      expect(err.message).toContain('no tensor with this name');
      expect(err).toBeInstanceOf(UltraFastBertError);
      expect(err.name).toBe('SafetensorsError');
    }
  });

  it('byte-swaps multi-byte elements on a big-endian host (forced)', () => {
    const bytes = serializeSafetensors({ v: { dtype: 'I32', shape: [1], data: Int32Array.of(1) } });
    const file = parseSafetensors(bytes);
    const e = file.entry('v');
    const slice = bytes.subarray(e.offset, e.offset + 4);
    // On this little-endian machine a forced swap reads the bytes 01 00 00 00 as 0x01000000.
    expect(Array.from(rawFromBytes(e, slice, false) as Int32Array)).toEqual([0x01000000]);
    expect(Array.from(rawFromBytes(e, slice, true) as Int32Array)).toEqual([1]);
  });
});

// ---------------------------------------------------------------------------------------------- validation

const ok = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };

describe('validation: every malformed file is a SafetensorsError naming file, tensor and offset', () => {
  it('file shorter than 8 bytes', () => {
    const err = expectParseError(
      new Uint8Array(5),
      'file is 5 bytes, shorter than the 8-byte header length prefix',
    );
    expect(err.offset).toBe(0);
    expectParseError(new Uint8Array(0), 'file is 0 bytes');
  });

  it('header length past the end of the file', () => {
    const bytes = build('{}', 0);
    new DataView(bytes.buffer).setBigUint64(0, 100n, true);
    expectParseError(bytes, 'header length 100 runs past the end of the file (file is 10 bytes');
  });

  it('header length above 100 MB (including 2^64 − 1) is refused before anything else', () => {
    const bytes = new Uint8Array(64);
    new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
    expectParseError(bytes, 'header length 100000001 exceeds the 100000000-byte limit');
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expectParseError(bytes, 'header length 18446744073709551615 exceeds');
  });

  it('header not valid UTF-8', () => {
    expectParseError(
      withHeaderBytes(Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)),
      'header (4 bytes) is not valid UTF-8',
    );
  });

  it('header not valid JSON (including an empty header)', () => {
    expectParseError(build('{"a":'), 'header is not valid JSON');
    expectParseError(build(''), 'header is not valid JSON');
  });

  it('header not an object', () => {
    expectParseError(build('[]'), 'header must be a JSON object, got an array');
    expectParseError(build('null'), 'got null');
    expectParseError(build('42   '), 'got a number');
    expectParseError(build('"x"'), 'got a string');
  });

  it('entry not an object, or missing dtype / shape / data_offsets', () => {
    const err = expectParseError(build({ a: 5 }), 'entry must be an object, got a number');
    expect(err.tensor).toBe('a');
    expect(err.message).toContain('tensor "a"');
    expectParseError(build({ a: [1] }), 'got an array');
    expectParseError(build({ a: { shape: [1], data_offsets: [0, 4] } }, 4), 'entry is missing "dtype"');
    expectParseError(build({ a: { dtype: 'F32', data_offsets: [0, 4] } }, 4), 'entry is missing "shape"');
    expectParseError(build({ a: { dtype: 'F32', shape: [1] } }, 4), 'entry is missing "data_offsets"');
  });

  it('unknown dtype', () => {
    expectParseError(build({ a: { ...ok, dtype: 'F128' } }, 4), 'unknown dtype "F128"');
    expectParseError(build({ a: { ...ok, dtype: 'f32' } }, 4), 'unknown dtype "f32"');
    expectParseError(build({ a: { ...ok, dtype: 'toString' } }, 4), 'unknown dtype "toString"');
    expectParseError(build({ a: { ...ok, dtype: 4 } }, 4), 'unknown dtype 4');
  });

  it('shape not an array of non-negative safe integers', () => {
    expectParseError(build({ a: { ...ok, shape: 1 } }, 4), 'shape must be an array, got a number 1');
    expectParseError(
      build({ a: { ...ok, shape: [-1] } }, 4),
      'shape[0] = -1 is not a non-negative safe integer',
    );
    expectParseError(build({ a: { ...ok, shape: [1, 1.5] } }, 4), 'shape[1] = 1.5');
    expectParseError(build({ a: { ...ok, shape: ['1'] } }, 4), 'shape[0] = "1"');
    expectParseError(
      build('{"a":{"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,4]}}', 4),
      'shape[0]',
    );
  });

  it('data_offsets not [begin, end] non-negative integers with begin <= end', () => {
    expectParseError(build({ a: { ...ok, data_offsets: 4 } }, 4), 'data_offsets must be [begin, end], got 4');
    expectParseError(build({ a: { ...ok, data_offsets: [0, 4, 8] } }, 4), 'got [0,4,8]');
    expectParseError(build({ a: { ...ok, data_offsets: [0.5, 4] } }, 4), 'data_offsets begin 0.5');
    expectParseError(build({ a: { ...ok, data_offsets: [-4, 4] } }, 4), 'data_offsets begin -4');
    expectParseError(build({ a: { ...ok, data_offsets: [0, '4'] } }, 4), 'data_offsets end "4"');
    const err = expectParseError(
      build({ a: { ...ok, data_offsets: [4, 0] } }, 4),
      'data_offsets [4, 0]: begin is after end',
    );
    expect(err.offset).toBeGreaterThan(8);
  });

  it('end beyond the data section (a truncated file) names the tensor, expected end and actual size', () => {
    const good = serializeSafetensors({ a: { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) } });
    const truncated = good.subarray(0, good.length - 3);
    const err = expectParseError(truncated, 'end beyond the data section');
    expect(err.tensor).toBe('a');
    expect(err.message).toContain(`needs the file to reach byte ${good.length}`);
    expect(err.message).toContain(`the file is ${truncated.length} bytes`);
  });

  it('byte length ≠ element size × element count (0-d included)', () => {
    const err = expectParseError(
      build({ a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, 20),
      'byte length 20 (data_offsets [0, 20]) does not match dtype F32 (4 bytes) × 6 elements of shape [2, 3] = 24 bytes',
    );
    expect(err.tensor).toBe('a');
    expectParseError(
      build({ a: { dtype: 'I64', shape: [], data_offsets: [0, 4] } }, 4),
      '× 1 elements of shape [] = 8',
    );
    // An element count that overflows cannot match the file.
    expectParseError(
      build({ a: { dtype: 'U8', shape: Array(30).fill(2 ** 40), data_offsets: [0, 4] } }, 4),
      'does not match',
    );
    // A zero anywhere makes it empty, even after a huge product.
    const file = parseSafetensors(
      build({ a: { dtype: 'U8', shape: [...Array(30).fill(2 ** 40), 0], data_offsets: [0, 0] } }),
    );
    expect(file.raw('a')).toHaveLength(0);
  });

  it('0-d tensors parse with one element', () => {
    const file = parseSafetensors(
      build(
        { s: { dtype: 'F32', shape: [], data_offsets: [0, 4] } },
        new Uint8Array(Float32Array.of(0.25).buffer),
      ),
    );
    expect(file.entry('s').shape).toEqual([]);
    expect(Array.from(file.float32('s'))).toEqual([0.25]);
  });

  it('overlapping tensors', () => {
    const err = expectParseError(
      build(
        {
          a: { dtype: 'U8', shape: [8], data_offsets: [0, 8] },
          b: { dtype: 'U8', shape: [8], data_offsets: [4, 12] },
        },
        12,
      ),
      'data_offsets [4, 12] overlap tensor "a" [0, 8]',
    );
    expect(err.tensor).toBe('b');
    // An empty tensor inside another one overlaps too.
    expectParseError(
      build(
        {
          a: { dtype: 'U8', shape: [8], data_offsets: [0, 8] },
          e: { dtype: 'U8', shape: [0], data_offsets: [4, 4] },
        },
        8,
      ),
      'overlap',
    );
  });

  it('gaps between tensors, bytes before the first and after the last', () => {
    const gap = expectParseError(
      build(
        {
          a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] },
          b: { dtype: 'U8', shape: [4], data_offsets: [8, 12] },
        },
        12,
      ),
      'gap of 4 bytes after tensor "a" (which ends at 4, this one begins at 8)',
    );
    expect(gap.tensor).toBe('b');
    expectParseError(
      build({ a: { dtype: 'U8', shape: [4], data_offsets: [4, 8] } }, 8),
      'the data section starts with 4 bytes no tensor covers',
    );
    expectParseError(
      build({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }, 8),
      '4 trailing bytes after the last tensor "a"',
    );
  });

  it('an empty-tensor file: no tensors means an empty data section', () => {
    const empty = parseSafetensors(build({}));
    expect(empty.names).toEqual([]);
    const onlyEmpty = parseSafetensors(build({ e: { dtype: 'F32', shape: [0, 4], data_offsets: [0, 0] } }));
    expect(onlyEmpty.names).toEqual(['e']);
    expectParseError(build({}, 4), 'header has no tensors but the data section holds 4 bytes');
    expectParseError(build({ __metadata__: {} }, 1), 'no tensors');
  });

  it('__metadata__ must be a string → string map', () => {
    const err = expectParseError(
      build({ __metadata__: 'x' }),
      '"__metadata__" must be an object mapping strings to strings, got a string',
    );
    expect(err.tensor).toBe('__metadata__');
    expectParseError(build({ __metadata__: ['a'] }), 'got an array');
    expectParseError(build({ __metadata__: null }), 'got null');
    expectParseError(
      build({ __metadata__: { a: 1 } }),
      '"__metadata__" value for key "a" must be a string, got a number 1',
    );
    expect(parseSafetensors(build({ __metadata__: { a: 'b' } })).metadata).toEqual({ a: 'b' });
  });

  it('deeply nested JSON anywhere in the header is a SafetensorsError, not a stack overflow', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expectParseError(build(deep), 'got an array');
    expectParseError(
      build(`{"a":{"dtype":"F32","shape":${deep},"data_offsets":[0,0]}}`),
      'too deeply nested to show',
    );
    expectParseError(
      build(`{"a":{"dtype":${deep},"shape":[],"data_offsets":[0,0]}}`),
      'unknown dtype (an array too deeply',
    );
    expectParseError(
      build(`{"a":{"dtype":"F32","shape":[],"data_offsets":${deep}}}`),
      'data_offsets must be [begin, end]',
    );
    expectParseError(
      build(`{"__metadata__":{"k":${deep}}}`),
      'must be a string, got an array (an array too deeply',
    );
  });

  it('duplicate JSON keys: JSON.parse keeps the last, and the coverage rule then rejects the file', () => {
    // Duplicate keys cannot be seen through JSON.parse; the dropped duplicate leaves its bytes uncovered.
    expectParseError(
      build(
        '{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}',
        8,
      ),
      'the data section starts with 4 bytes no tensor covers',
    );
  });

  it('messages leave out the file when no source is given, and header errors carry the offset', () => {
    const err = catchError(() => parseSafetensors(build('[]')));
    expect(err.message).toBe('safetensors (byte offset 8): header must be a JSON object, got an array');
    expect(err.source).toBeUndefined();
    expect(err.offset).toBe(8);
  });

  it('parseSafetensorsHeader validates a prefix against a larger file size', () => {
    const bytes = serializeSafetensors({ a: { dtype: 'F32', shape: [3], data: Float32Array.of(1, 2, 3) } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = parseSafetensorsHeader(bytes.subarray(0, 8 + n), bytes.length, 'p');
    expect(header.dataStart).toBe(8 + n);
    expect(header.entries.get('a')).toEqual({
      name: 'a',
      dtype: 'F32',
      shape: [3],
      offset: 8 + n,
      byteLength: 12,
    });
    expect(
      catchError(() => parseSafetensorsHeader(bytes.subarray(0, 8 + n - 1), bytes.length, 'p')).message,
    ).toContain('header prefix has');
    expect(
      catchError(() => parseSafetensorsHeader(bytes.subarray(0, 8 + n), bytes.length - 1, 'p')).message,
    ).toContain('end beyond the data section');
  });
});

// ---------------------------------------------------------------------------------------------- half floats

function f32Of(bits: number): number {
  return new Float32Array(Uint32Array.of(bits).buffer)[0]!;
}
function toF16(...xs: number[]): number[] {
  return Array.from(float32ToF16(Float32Array.from(xs)));
}
function toBF16Bits(...bits: number[]): number[] {
  return Array.from(float32ToBF16(new Float32Array(Uint32Array.from(bits).buffer)));
}

/** Every finite non-negative binary16 value, ascending (index = bit pattern). */
const F16_POSITIVE = f16ToFloat32(Uint16Array.from({ length: 0x7c00 }, (_, i) => i));

/** Independent oracle: nearest binary16 by search, ties to the even bit pattern, ≥ 65520 → Inf. */
function referenceF16(x: number): number {
  if (Number.isNaN(x)) return -1;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = 0x7bff;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (F16_POSITIVE[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0x7bff || F16_POSITIVE[lo] === a) return sign | lo;
  const dLo = a - F16_POSITIVE[lo]!;
  const dHi = F16_POSITIVE[lo + 1]! - a;
  if (dLo < dHi) return sign | lo;
  if (dHi < dLo) return sign | (lo + 1);
  return sign | (lo % 2 === 0 ? lo : lo + 1);
}

describe('F16 / BF16 / F8 conversions', () => {
  it('float32ToF16 on known bit patterns: normals, ties, subnormals, overflow, ±Inf, NaN, -0', () => {
    expect(toF16(1, -2, 65504, 0.5)).toEqual([0x3c00, 0xc000, 0x7bff, 0x3800]);
    expect(toF16(-0, 0)).toEqual([0x8000, 0x0000]);
    // ties to even in the normal range
    expect(toF16(1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -20)).toEqual([0x3c00, 0x3c02, 0x3c01]);
    // overflow: 65519 rounds down, 65520 is the tie with 65536 and goes to Inf, larger values too
    expect(toF16(65519, 65520, 1e6, -1e6)).toEqual([0x7bff, 0x7c00, 0x7c00, 0xfc00]);
    expect(toF16(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toEqual([0x7c00, 0xfc00]);
    // subnormals: 2^-24 is the smallest; 2^-25 is the tie with 0 (even → 0); 3·2^-25 is the tie 1|2 → 2
    expect(toF16(2 ** -24, 2 ** -25, 1.5 * 2 ** -25, 3 * 2 ** -25, 2 ** -26, -(2 ** -24))).toEqual([
      0x0001, 0x0000, 0x0001, 0x0002, 0x0000, 0x8001,
    ]);
    expect(toF16(1023 * 2 ** -24, 2 ** -14, 2 ** -14 - 2 ** -25)).toEqual([0x03ff, 0x0400, 0x0400]);
    const nan = float32ToF16(Float32Array.of(Number.NaN, f32Of(0x7f800001), f32Of(0xffc00000)));
    for (const b of nan) {
      expect(b & 0x7c00).toBe(0x7c00);
      expect(b & 0x3ff).not.toBe(0);
    }
    expect(nan[2]! & 0x8000).toBe(0x8000);
  });

  it('f16ToFloat32 on known bit patterns', () => {
    const out = f16ToFloat32(
      Uint16Array.of(0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0xc000),
    );
    expect(Array.from(out.subarray(0, 7))).toEqual([
      2 ** -24,
      1023 * 2 ** -24,
      2 ** -14,
      1,
      65504,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(out[7]).toBeNaN();
    expect(Object.is(out[8], -0)).toBe(true);
    expect(out[9]).toBe(-2);
  });

  it('every binary16 value survives f16 → f32 → f16 (NaN stays NaN)', () => {
    const all = Uint16Array.from({ length: 0x10000 }, (_, i) => i);
    const back = float32ToF16(f16ToFloat32(all));
    for (let i = 0; i < all.length; i++) {
      const isNaN16 = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (isNaN16) expect((back[i]! & 0x7c00) === 0x7c00 && (back[i]! & 0x3ff) !== 0).toBe(true);
      else if (back[i] !== i) expect.fail(`0x${i.toString(16)} came back as 0x${back[i]!.toString(16)}`);
    }
  });

  it('float32ToF16 agrees with a search-based round-to-nearest-even oracle on random floats', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.float({ noNaN: true }),
          fc.float({ noNaN: true, min: Math.fround(-70000), max: Math.fround(70000) }),
          fc.float({ noNaN: true, min: Math.fround(-(2 ** -13)), max: Math.fround(2 ** -13) }),
          // exact midpoints between neighbouring binary16 values (and their float32 neighbours): the ties
          fc
            .tuple(fc.integer({ min: 0, max: 0x7bfe }), fc.constantFrom(-1, 0, 1), fc.boolean())
            .map(([i, nudge, neg]) => {
              const mid = new Float32Array([(F16_POSITIVE[i]! + F16_POSITIVE[i + 1]!) / 2]);
              const bits = new Uint32Array(mid.buffer);
              bits[0] = bits[0]! + nudge;
              return neg ? -mid[0]! : mid[0]!;
            }),
        ),
        (x) => {
          expect(toF16(x)[0]).toBe(referenceF16(x));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('float32ToBF16 on known bit patterns: ties to even, overflow, subnormals, ±Inf, NaN', () => {
    expect(toBF16Bits(0x3f800000, 0x3f808000, 0x3f818000, 0x3f808001)).toEqual([
      0x3f80, 0x3f80, 0x3f82, 0x3f81,
    ]);
    expect(toBF16Bits(0x7f7fffff, 0xff7fffff, 0x7f7f7fff)).toEqual([0x7f80, 0xff80, 0x7f7f]);
    expect(toBF16Bits(0x7f800000, 0xff800000, 0x80000000)).toEqual([0x7f80, 0xff80, 0x8000]);
    // subnormals: tie at 0x8000 goes to even (0), 0x18000 goes up to 2, 0x00008001 up to 1
    expect(toBF16Bits(0x00000001, 0x00008000, 0x00018000, 0x00008001)).toEqual([
      0x0000, 0x0000, 0x0002, 0x0001,
    ]);
    // NaN stays NaN even when only low mantissa bits are set (plain truncation would make it Inf)
    const nans = toBF16Bits(0x7fc00000, 0x7f800001, 0xff800001);
    expect(nans[0]).toBe(0x7fc0);
    for (const b of nans) {
      expect(b & 0x7f80).toBe(0x7f80);
      expect(b & 0x7f).not.toBe(0);
    }
    expect(nans[2]! & 0x8000).toBe(0x8000);
  });

  it('bf16ToFloat32 on known bit patterns, and every bf16 value round-trips', () => {
    const out = bf16ToFloat32(Uint16Array.of(0x3f80, 0xc040, 0x7f80, 0xff80, 0x0001, 0x7fc0));
    expect(Array.from(out.subarray(0, 5))).toEqual([
      1,
      -3,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      2 ** -133,
    ]);
    expect(out[5]).toBeNaN();
    const all = Uint16Array.from({ length: 0x10000 }, (_, i) => i);
    const back = float32ToBF16(bf16ToFloat32(all));
    for (let i = 0; i < all.length; i++) {
      const isNaN16 = (i & 0x7f80) === 0x7f80 && (i & 0x7f) !== 0;
      if (!isNaN16 && back[i] !== i)
        expect.fail(`bf16 0x${i.toString(16)} came back as 0x${back[i]!.toString(16)}`);
    }
  });

  it('F8 E4M3 (fn) and E5M2 decode known values', () => {
    const e4 = f8ToFloat32(Uint8Array.of(0x38, 0x7e, 0x7f, 0x01, 0x08, 0xb8, 0xff, 0x80), 'F8_E4M3');
    expect(Array.from(e4.subarray(0, 5))).toEqual([1, 448, Number.NaN, 2 ** -9, 2 ** -6].map((v) => v));
    expect(e4[2]).toBeNaN();
    expect(e4[5]).toBe(-1);
    expect(e4[6]).toBeNaN();
    expect(Object.is(e4[7], -0)).toBe(true);
    const e5 = f8ToFloat32(Uint8Array.of(0x3c, 0x7b, 0x7c, 0x7d, 0x01, 0xfc), 'F8_E5M2');
    expect(Array.from(e5.subarray(0, 3))).toEqual([1, 57344, Number.POSITIVE_INFINITY]);
    expect(e5[3]).toBeNaN();
    expect(e5[4]).toBe(2 ** -16);
    expect(e5[5]).toBe(Number.NEGATIVE_INFINITY);
  });
});

// ---------------------------------------------------------------------------------------------- golden files

interface MetaListing {
  [name: string]: { dtype: SafetensorsDType; shape: number[] };
}

function goldenFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...goldenFiles(p));
    else if (d.name.endsWith('.safetensors')) out.push(p);
  }
  return out.sort();
}

function listingFor(path: string): MetaListing {
  const dir = path.slice(0, path.lastIndexOf('/'));
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'io.safetensors') return meta.io_file;
  if (base === 'weights.safetensors') return meta.weights_file;
  if (base === 'model.safetensors') return meta.state_dict;
  throw new Error(`no listing for ${path}`);
}

describe('golden fixtures', () => {
  const files = goldenFiles(GOLDEN);

  it('finds all 20 golden safetensors files', () => {
    expect(files.length).toBe(20);
  });

  it.each(files.map((f) => [f.slice(GOLDEN.length), f]))('%s parses and matches meta.json', (_, path) => {
    const bytes = readFileSync(path); // a Node Buffer, as callers pass it
    const file = parseSafetensors(bytes, path);
    const listing = listingFor(path);
    expect([...file.names].sort()).toEqual(Object.keys(listing).sort());
    for (const [name, { dtype, shape }] of Object.entries(listing)) {
      const e = file.entry(name);
      expect(e.dtype).toBe(dtype);
      expect(e.shape).toEqual(shape);
      const values = dtype === 'F32' ? file.float32(name) : file.int32(name);
      expect(values.length).toBe(shape.reduce((a, b) => a * b, 1));
      if (dtype === 'F32') expect((values as Float32Array).buffer).toBe(bytes.buffer); // golden data is aligned
    }
  });

  it('small_mlm: 0-d norm_factor = 1/sqrt(head_dim), tied decoder weight, int64 ids', () => {
    const path = `${GOLDEN}model/small_mlm/model.safetensors`;
    const file = parseSafetensors(new Uint8Array(readFileSync(path)), path);
    const nf = file.entry('encoder.layers.0.attn.self_attention.norm_factor');
    expect(nf.shape).toEqual([]);
    expect(nf.byteLength).toBe(4);
    expect(Array.from(file.float32(nf.name))).toEqual([0.25]); // hidden 64 / 4 heads = 16
    expect(file.entry('encoder.embedding.word_embedding.weight').shape).toEqual([128, 64]);
    expect(file.float32('decoder.weight')).toEqual(file.float32('encoder.embedding.word_embedding.weight'));
    const ioPath = `${GOLDEN}model/small_mlm/io.safetensors`;
    const io = parseSafetensors(new Uint8Array(readFileSync(ioPath)), ioPath);
    expect(io.entry('input_ids')).toMatchObject({ dtype: 'I64', shape: [3, 14] });
    const mask = io.int32('attention_mask');
    expect(mask.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('fff/w16_d3_p1: tree paths are node indices in range', () => {
    const path = `${GOLDEN}fff/w16_d3_p1/io.safetensors`;
    const io = parseSafetensors(new Uint8Array(readFileSync(path)), path);
    const paths = io.int32('paths');
    expect(io.entry('paths').dtype).toBe('I64');
    expect(paths.every((v) => v >= 0 && v < 15)).toBe(true);
    expect(paths[0]).toBe(0); // every row starts at the root
  });
});
