import {
  isSafetensorsDType,
  SAFETENSORS_DTYPE_NAMES,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
} from './dtypes.js';
import { SafetensorsError } from './errors.js';

/** One tensor's place in a safetensors file. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** absolute byte offset in the file */
  offset: number;
  byteLength: number;
}

export interface SafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
  /** Absolute byte offset of the data section (8 + header length). */
  dataStart: number;
}

/** Headers longer than this are refused before anything is allocated for them (as the Rust reader does). */
export const SAFETENSORS_MAX_HEADER_LENGTH = 100_000_000;

const METADATA_KEY = '__metadata__';

/** A short rendering of a JSON value for messages; never throws (deeply nested values overflow the stack). */
function show(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = `(${kindOf(value)} too deeply nested to show)`;
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Reads and bounds-checks the 8-byte little-endian header length N. Returns N once it is known that
 * `8 + N <= fileSize` and `N <= SAFETENSORS_MAX_HEADER_LENGTH`.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, source?: string): number {
  if (fileSize < 8) {
    throw new SafetensorsError(`file is ${fileSize} bytes, shorter than the 8-byte header length prefix`, {
      source,
      offset: 0,
    });
  }
  if (prefix.length < 8) {
    throw new SafetensorsError(`header prefix has ${prefix.length} bytes, need at least 8`, {
      source,
      offset: 0,
    });
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(SAFETENSORS_MAX_HEADER_LENGTH)) {
    throw new SafetensorsError(
      `header length ${n} exceeds the ${SAFETENSORS_MAX_HEADER_LENGTH}-byte limit (file is ${fileSize} bytes)`,
      { source, offset: 0 },
    );
  }
  if (n > BigInt(fileSize - 8)) {
    throw new SafetensorsError(
      `header length ${n} runs past the end of the file (file is ${fileSize} bytes, at most ${fileSize - 8} available)`,
      { source, offset: 0 },
    );
  }
  return Number(n);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return `a ${typeof x}`;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface PendingEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Validates a safetensors header against the file's total size and returns its entries (with absolute
 * offsets), metadata and where the data section starts. `prefix` must hold at least the first `8 + N` bytes
 * (the whole file is fine). Shared by the in-memory parser and the Node lazy reader.
 *
 * Rules: file ≥ 8 bytes; N ≤ 100 MB and ≤ fileSize − 8; the header is UTF-8 JSON whose top level is an
 * object; each entry is an object with a known `dtype`, a `shape` of non-negative safe integers and
 * `data_offsets: [begin, end]` with begin ≤ end ≤ data section size; byte length = element size × element
 * count (a 0-d tensor has one element); sorted by offset, the tensors cover the data section exactly (no
 * overlap, gap, leading or trailing bytes; a file with no tensors has an empty data section); `__metadata__`,
 * if present, maps strings to strings. JSON duplicate keys cannot be detected through `JSON.parse` (the last
 * one wins); the coverage rule still catches a dropped duplicate whose bytes are then left uncovered.
 */
export function parseSafetensorsHeader(
  prefix: Uint8Array,
  fileSize: number,
  source?: string,
): SafetensorsHeader {
  const n = readHeaderLength(prefix, fileSize, source);
  const dataStart = 8 + n;
  if (prefix.length < dataStart) {
    throw new SafetensorsError(`header prefix has ${prefix.length} bytes, the header needs ${dataStart}`, {
      source,
      offset: 8,
    });
  }
  const dataSize = fileSize - dataStart;

  let text: string;
  try {
    text = decoder.decode(prefix.subarray(8, dataStart));
  } catch (cause) {
    throw new SafetensorsError(`header (${n} bytes) is not valid UTF-8`, { source, offset: 8 }, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new SafetensorsError(`header is not valid JSON: ${why}`, { source, offset: 8 }, { cause });
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError(`header must be a JSON object, got ${kindOf(json)}`, { source, offset: 8 });
  }

  let metadata: Record<string, string> = {};
  const pending: PendingEntry[] = [];
  for (const name of Object.keys(json)) {
    const value = json[name];
    if (name === METADATA_KEY) {
      metadata = parseMetadata(value, source);
      continue;
    }
    pending.push(parseEntry(name, value, dataStart, dataSize, fileSize, source));
  }

  pending.sort(
    (a, b) => a.begin - b.begin || a.end - b.end || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  let cursor = 0;
  let previous: PendingEntry | undefined;
  for (const e of pending) {
    if (e.begin < cursor) {
      throw new SafetensorsError(
        `data_offsets [${e.begin}, ${e.end}] overlap tensor ${JSON.stringify(previous!.name)} ` +
          `[${previous!.begin}, ${previous!.end}]`,
        { source, tensor: e.name, offset: dataStart + e.begin },
      );
    }
    if (e.begin > cursor) {
      const what =
        previous === undefined
          ? `the data section starts with ${e.begin} bytes no tensor covers (the first tensor must begin at 0)`
          : `gap of ${e.begin - cursor} bytes after tensor ${JSON.stringify(previous.name)} ` +
            `(which ends at ${cursor}, this one begins at ${e.begin})`;
      throw new SafetensorsError(what, { source, tensor: e.name, offset: dataStart + cursor });
    }
    cursor = e.end;
    previous = e;
  }
  if (cursor !== dataSize) {
    const what =
      previous === undefined
        ? `header has no tensors but the data section holds ${dataSize} bytes`
        : `${dataSize - cursor} trailing bytes after the last tensor ${JSON.stringify(previous.name)} ` +
          `(data section is ${dataSize} bytes, tensors cover ${cursor})`;
    throw new SafetensorsError(what, { source, offset: dataStart + cursor });
  }

  const entries = new Map<string, SafetensorsEntry>();
  for (const e of pending) {
    entries.set(e.name, {
      name: e.name,
      dtype: e.dtype,
      shape: e.shape,
      offset: dataStart + e.begin,
      byteLength: e.end - e.begin,
    });
  }
  return { entries, metadata, dataStart };
}

function parseMetadata(value: unknown, source: string | undefined): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      `"${METADATA_KEY}" must be an object mapping strings to strings, got ${kindOf(value)}`,
      {
        source,
        tensor: METADATA_KEY,
        offset: 8,
      },
    );
  }
  const pairs: [string, string][] = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        `"${METADATA_KEY}" value for key ${JSON.stringify(key)} must be a string, got ${kindOf(v)} ${show(v)}`,
        { source, tensor: METADATA_KEY, offset: 8 },
      );
    }
    pairs.push([key, v]);
  }
  // fromEntries defines own properties, so a key like "__proto__" stays data.
  return Object.fromEntries(pairs);
}

function parseEntry(
  name: string,
  value: unknown,
  dataStart: number,
  dataSize: number,
  fileSize: number,
  source: string | undefined,
): PendingEntry {
  const at = { source, tensor: name, offset: 8 };
  if (!isPlainObject(value)) {
    throw new SafetensorsError(`entry must be an object, got ${kindOf(value)}`, at);
  }
  for (const key of ['dtype', 'shape', 'data_offsets'] as const) {
    if (!Object.hasOwn(value, key)) throw new SafetensorsError(`entry is missing "${key}"`, at);
  }
  const dtype = value['dtype'];
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError(
      `unknown dtype ${show(dtype)} (expected one of ${SAFETENSORS_DTYPE_NAMES.join(', ')})`,
      at,
    );
  }
  const shapeValue = value['shape'];
  if (!Array.isArray(shapeValue)) {
    throw new SafetensorsError(`shape must be an array, got ${kindOf(shapeValue)} ${show(shapeValue)}`, at);
  }
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < shapeValue.length; i++) {
    const d: unknown = shapeValue[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new SafetensorsError(`shape[${i}] = ${show(d)} is not a non-negative safe integer`, at);
    }
    shape.push(d === 0 ? 0 : d); // normalises -0
    count = d === 0 ? 0 : count * d; // a later 0 must win over an earlier overflow to Infinity
  }
  const offsets = value['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new SafetensorsError(`data_offsets must be [begin, end], got ${show(offsets)}`, at);
  }
  const [begin, end] = offsets as unknown[];
  if (typeof begin !== 'number' || !Number.isSafeInteger(begin) || begin < 0) {
    throw new SafetensorsError(`data_offsets begin ${show(begin)} is not a non-negative safe integer`, at);
  }
  if (typeof end !== 'number' || !Number.isSafeInteger(end) || end < 0) {
    throw new SafetensorsError(`data_offsets end ${show(end)} is not a non-negative safe integer`, at);
  }
  if (begin > end) {
    throw new SafetensorsError(`data_offsets [${begin}, ${end}]: begin is after end`, {
      ...at,
      offset: dataStart + begin,
    });
  }
  if (end > dataSize) {
    throw new SafetensorsError(
      `data_offsets [${begin}, ${end}] end beyond the data section: the tensor needs the file to reach ` +
        `byte ${dataStart + end}, but the file is ${fileSize} bytes (data section ${dataSize} bytes; truncated?)`,
      { ...at, offset: dataStart + begin },
    );
  }
  const size = SAFETENSORS_DTYPES[dtype].size;
  const expected = count * size; // count ≤ 2^53 may round, but then it cannot equal a length within the file
  if (expected !== end - begin) {
    throw new SafetensorsError(
      `byte length ${end - begin} (data_offsets [${begin}, ${end}]) does not match dtype ${dtype} ` +
        `(${size} bytes) × ${count} elements of shape [${shape.join(', ')}] = ${expected} bytes`,
      { ...at, offset: dataStart + begin },
    );
  }
  return { name, dtype, shape, begin, end };
}
