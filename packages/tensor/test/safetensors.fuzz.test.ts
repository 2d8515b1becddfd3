import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseSafetensors,
  SAFETENSORS_DTYPE_NAMES,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
  SafetensorsError,
  type SafetensorsTensorInput,
  serializeSafetensors,
} from '../src/index.js';

/**
 * Fuzzing the parser: random bytes and mutated valid files must either parse into a file whose every tensor
 * can be read (raw / float32 / int32 return or throw SafetensorsError) or throw SafetensorsError. Any other
 * exception type fails the property; a hang fails the test's time limit.
 */

const RUNS = 2000;
const TIME_LIMIT_MS = 20_000;

type Outcome = { ok: true; names: string[] } | { ok: false; error: SafetensorsError };

function expectOnlySafetensorsErrors(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof SafetensorsError)) throw err;
    expect(err.code).toBe('E_SAFETENSORS');
    return err;
  }
}

/** Parses and reads everything; throws (failing the property) on anything but a SafetensorsError. */
function exercise(bytes: Uint8Array, source?: string): Outcome {
  let file: ReturnType<typeof parseSafetensors>;
  try {
    file = parseSafetensors(bytes, source);
  } catch (err) {
    if (err instanceof SafetensorsError) {
      expect(err.code).toBe('E_SAFETENSORS');
      if (source !== undefined) expect(err.message).toContain(source);
      return { ok: false, error: err };
    }
    throw err;
  }
  let covered = 0;
  for (const name of file.names) {
    const e = file.entry(name);
    const size = SAFETENSORS_DTYPES[e.dtype].size;
    for (const d of e.shape) expect(Number.isSafeInteger(d) && d >= 0).toBe(true);
    expect(Number.isSafeInteger(e.offset) && Number.isSafeInteger(e.byteLength)).toBe(true);
    expect(e.offset).toBeGreaterThanOrEqual(8);
    expect(e.offset + e.byteLength).toBeLessThanOrEqual(bytes.length);
    expect(e.byteLength).toBe(size * e.shape.reduce((a, b) => a * b, 1));
    covered += e.byteLength;
    const raw = file.raw(name);
    expect(raw.byteLength).toBe(e.byteLength);
    const f = expectOnlySafetensorsErrors(() => file.float32(name));
    if (f instanceof Float32Array) expect(f.length).toBe(e.byteLength / size);
    const i = expectOnlySafetensorsErrors(() => file.int32(name));
    if (i instanceof Int32Array) expect(i.length).toBe(e.byteLength / size);
  }
  if (file.names.length > 0) {
    const first = file.entry(file.names[0]!);
    expect(first.offset + covered).toBe(bytes.length); // the data section is exactly covered
  }
  expectOnlySafetensorsErrors(() => file.entry('\u0000not-a-tensor'));
  return { ok: true, names: file.names };
}

// -------------------------------------------------------------------------------- arbitraries

const dtypeArb = fc.constantFrom(...SAFETENSORS_DTYPE_NAMES);
const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });

const tensorArb: fc.Arbitrary<SafetensorsTensorInput> = fc
  .tuple(dtypeArb, shapeArb)
  .chain(([dtype, shape]) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const size = SAFETENSORS_DTYPES[dtype].size;
    return fc.uint8Array({ minLength: count * size, maxLength: count * size }).map((bytes) => {
      const Ctor = SAFETENSORS_DTYPES[dtype].array as unknown as new (b: ArrayBuffer) => ArrayBufferView;
      return { dtype, shape, data: new Ctor(bytes.slice().buffer) };
    });
  });

const nameArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('a', 'b.weight', 'encoder.layers.0.norm1.bias', '__proto__', 'constructor', ''),
);

const tensorsArb = fc.dictionary(
  nameArb.filter((n) => n !== '__metadata__'),
  tensorArb,
  { maxKeys: 5 },
);
const metadataArb = fc.option(
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  {
    nil: undefined,
  },
);

const validFileArb = fc.tuple(tensorsArb, metadataArb).map(([t, m]) => serializeSafetensors(t, m));

function headerOf(bytes: Uint8Array): { json: Record<string, unknown>; n: number } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), n };
}

function withHeader(text: string, data: Uint8Array, lengthDelta = 0): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, json.length + lengthDelta)), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Header edits: change numbers in offsets / shapes, dtypes, drop or replace fields with random JSON. */
type Edit =
  | { kind: 'offset'; which: number; index: 0 | 1; value: number }
  | { kind: 'shape'; which: number; value: number[] }
  | { kind: 'dtype'; which: number; value: string }
  | { kind: 'drop'; which: number; field: string }
  | { kind: 'replace'; which: number; field: string; value: unknown }
  | { kind: 'entry'; which: number; value: unknown }
  | { kind: 'metadata'; value: unknown };

const numberArb = fc.oneof(
  fc.integer({ min: -3, max: 80 }),
  fc.constantFrom(2 ** 53, 2 ** 53 + 2, -0, 0.5, 1e308, Number.MAX_SAFE_INTEGER),
  fc.double(),
);
const fieldArb = fc.constantFrom('dtype', 'shape', 'data_offsets');
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('offset' as const),
    which: fc.nat(),
    index: fc.constantFrom(0 as const, 1 as const),
    value: numberArb,
  }),
  fc.record({
    kind: fc.constant('shape' as const),
    which: fc.nat(),
    value: fc.oneof(
      fc.array(numberArb, { maxLength: 4 }),
      fc.array(fc.integer({ min: -2, max: 3 }), { maxLength: 3 }),
      fc.array(fc.constantFrom(0.5, 2, -1, 4, 1.5, -2, 0), { maxLength: 3 }),
    ),
  }),
  fc.record({
    kind: fc.constant('dtype' as const),
    which: fc.nat(),
    value: fc.oneof(dtypeArb as fc.Arbitrary<string>, fc.string({ maxLength: 5 })),
  }),
  fc.record({ kind: fc.constant('drop' as const), which: fc.nat(), field: fieldArb }),
  fc.record({
    kind: fc.constant('replace' as const),
    which: fc.nat(),
    field: fieldArb,
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant('entry' as const), which: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('metadata' as const), value: fc.jsonValue({ maxDepth: 2 }) }),
);

function applyEdit(json: Record<string, unknown>, edit: Edit): void {
  if (edit.kind === 'metadata') {
    json['__metadata__'] = edit.value;
    return;
  }
  const names = Object.keys(json).filter((k) => k !== '__metadata__');
  if (names.length === 0) {
    json[`t${edit.which}`] =
      edit.kind === 'entry' ? edit.value : { dtype: 'U8', shape: [1], data_offsets: [0, 1] };
    return;
  }
  const name = names[edit.which % names.length]!;
  const target = json[name];
  if (edit.kind === 'entry') {
    json[name] = edit.value;
    return;
  }
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return; // replaced by an earlier edit
  const entry = target as Record<string, unknown>;
  switch (edit.kind) {
    case 'offset': {
      const offs = Array.isArray(entry['data_offsets']) ? [...entry['data_offsets']] : [0, 0];
      offs[edit.index] = edit.value;
      entry['data_offsets'] = offs;
      break;
    }
    case 'shape':
      entry['shape'] = edit.value;
      break;
    case 'dtype':
      entry['dtype'] = edit.value;
      break;
    case 'drop':
      delete entry[edit.field];
      break;
    case 'replace':
      entry[edit.field] = edit.value;
      break;
  }
}

// -------------------------------------------------------------------------------- properties

describe('safetensors fuzz: never a crash, only SafetensorsError or a readable file', () => {
  it(
    'random bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          exercise(bytes, 'random.safetensors');
        }),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT_MS,
  );

  it(
    'random JSON headers with random data',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 60 })),
          fc.uint8Array({ maxLength: 64 }),
          fc.integer({ min: -4, max: 4 }),
          (text, data, delta) => {
            exercise(withHeader(text, data, delta));
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT_MS,
  );

  it(
    'valid files round-trip (also at an odd byteOffset, forcing copies)',
    () => {
      fc.assert(
        fc.property(tensorsArb, metadataArb, fc.boolean(), (tensors, metadata, odd) => {
          let bytes = serializeSafetensors(tensors, metadata);
          if (odd) {
            const outer = new Uint8Array(bytes.length + 1);
            outer.set(bytes, 1);
            bytes = outer.subarray(1);
          }
          const outcome = exercise(bytes, 'valid.safetensors');
          expect(outcome.ok).toBe(true);
          const file = parseSafetensors(bytes);
          expect(file.metadata).toEqual(metadata ?? {});
          for (const [name, t] of Object.entries(tensors)) {
            const raw = file.raw(name);
            expect(raw.constructor).toBe(SAFETENSORS_DTYPES[t.dtype as SafetensorsDType].array);
            expect(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)).toEqual(
              new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
            );
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT_MS,
  );

  it(
    'valid files with bit flips, truncation and appended bytes',
    () => {
      const mutation = fc.oneof(
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
        fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
        fc.record({
          kind: fc.constant('append' as const),
          extra: fc.uint8Array({ minLength: 1, maxLength: 9 }),
        }),
        fc.record({
          kind: fc.constant('set' as const),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
        }),
      );
      fc.assert(
        fc.property(
          validFileArb,
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          (original, mutations) => {
            let bytes = original.slice();
            for (const m of mutations) {
              if (bytes.length === 0) break;
              if (m.kind === 'flip') bytes[m.at % bytes.length]! ^= 1 << m.bit;
              else if (m.kind === 'set') bytes[m.at % bytes.length] = m.value;
              else if (m.kind === 'truncate') bytes = bytes.slice(0, m.at % bytes.length);
              else {
                const longer = new Uint8Array(bytes.length + m.extra.length);
                longer.set(bytes);
                longer.set(m.extra, bytes.length);
                bytes = longer;
              }
            }
            const outcome = exercise(bytes, 'mutated.safetensors');
            // Truncating or appending always breaks the exact-coverage rule.
            const lengthChanged = bytes.length !== original.length;
            if (lengthChanged) expect(outcome.ok).toBe(false);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT_MS,
  );

  it(
    'valid files with header edits (offsets, shapes, dtypes, fields, random JSON, length prefix)',
    () => {
      fc.assert(
        fc.property(
          validFileArb,
          fc.array(editArb, { minLength: 1, maxLength: 3 }),
          fc.integer({ min: -2, max: 2 }),
          (original, edits, delta) => {
            const { json, n } = headerOf(original);
            for (const e of edits) applyEdit(json, e);
            const data = original.subarray(8 + n);
            exercise(withHeader(JSON.stringify(json), data, delta), 'edited.safetensors');
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT_MS,
  );

  it('a targeted edit is caught: an end offset moved by one byte is always rejected', () => {
    fc.assert(
      fc.property(
        validFileArb.filter(
          (b) => headerOf(b).n > 2 && Object.keys(headerOf(b).json).some((k) => k !== '__metadata__'),
        ),
        (original) => {
          const { json, n } = headerOf(original);
          const name = Object.keys(json).find((k) => k !== '__metadata__')!;
          const entry = json[name] as { data_offsets: number[] };
          entry.data_offsets = [entry.data_offsets[0]!, entry.data_offsets[1]! + 1];
          const outcome = exercise(withHeader(JSON.stringify(json), original.subarray(8 + n)));
          expect(outcome.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
