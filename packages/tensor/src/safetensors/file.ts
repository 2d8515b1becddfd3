import { float32FromRaw, int32FromRaw, rawFromBytes } from './convert.js';
import type { RawArray } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { parseSafetensorsHeader, type SafetensorsEntry, type SafetensorsHeader } from './header.js';

/** Entry names ordered by their place in the data section (ties: by name). */
export function namesByOffset(entries: Map<string, SafetensorsEntry>): string[] {
  return [...entries.values()]
    .sort(
      (a, b) =>
        a.offset - b.offset ||
        a.byteLength - b.byteLength ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    )
    .map((e) => e.name);
}

/** Looks a name up, or throws a SafetensorsError naming the tensor and the file. */
export function lookupEntry(
  header: SafetensorsHeader,
  name: string,
  source: string | undefined,
): SafetensorsEntry {
  const entry = header.entries.get(name);
  if (entry === undefined) {
    const count = header.entries.size;
    throw new SafetensorsError(
      `no tensor with this name (the file holds ${count} tensor${count === 1 ? '' : 's'})`,
      {
        source,
        tensor: name,
      },
    );
  }
  return entry;
}

/** A whole safetensors file held in memory. Tensors are views into its bytes where alignment allows. */
export class SafetensorsFile {
  readonly metadata: Record<string, string>;
  /** Tensor names, ordered by offset in the data section. */
  readonly names: string[];
  readonly header: SafetensorsHeader;
  readonly source: string | undefined;
  private readonly bytes: Uint8Array;

  /** Use `parseSafetensors`; this takes a header already validated against `bytes.length`. */
  constructor(bytes: Uint8Array, header: SafetensorsHeader, source?: string) {
    // A plain Uint8Array view over the same memory: a Node Buffer's slice/subarray semantics differ.
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.header = header;
    this.source = source;
    this.metadata = header.metadata;
    this.names = namesByOffset(header.entries);
  }

  has(name: string): boolean {
    return this.header.entries.has(name);
  }

  entry(name: string): SafetensorsEntry {
    return lookupEntry(this.header, name, this.source);
  }

  /** The tensor in its own dtype; a zero-copy view when its offset is aligned for the element size. */
  raw(name: string): RawArray {
    const e = this.entry(name);
    return rawFromBytes(e, this.bytes.subarray(e.offset, e.offset + e.byteLength));
  }

  /** F32 (zero-copy when aligned), F64, F16, BF16 and F8 as Float32Array; other dtypes throw. */
  float32(name: string): Float32Array {
    const e = this.entry(name);
    return float32FromRaw(e, this.raw(name), this.source);
  }

  /** Integer and BOOL dtypes as Int32Array; values outside int32 range throw, naming the element. */
  int32(name: string): Int32Array {
    const e = this.entry(name);
    return int32FromRaw(e, this.raw(name), this.source);
  }
}

/** Parses and fully validates a safetensors file held in memory. `source` names the file in errors. */
export function parseSafetensors(bytes: Uint8Array, source?: string): SafetensorsFile {
  return new SafetensorsFile(bytes, parseSafetensorsHeader(bytes, bytes.length, source), source);
}
