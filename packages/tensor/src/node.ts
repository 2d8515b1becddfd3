/**
 * Node-only helpers for `@ultrafastbert/tensor`: a lazy safetensors reader for big checkpoints and whole-file
 * read/write. Import from `@ultrafastbert/tensor/node`.
 */
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { float32FromRaw, int32FromRaw, rawFromBytes } from './safetensors/convert.js';
import type { RawArray } from './safetensors/dtypes.js';
import { SafetensorsError } from './safetensors/errors.js';
import { lookupEntry, namesByOffset, parseSafetensors, type SafetensorsFile } from './safetensors/file.js';
import {
  parseSafetensorsHeader,
  readHeaderLength,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors/header.js';
import { type SafetensorsTensorInput, serializeSafetensors } from './safetensors/serialize.js';

/**
 * Reads exactly `length` bytes at `position`, or returns how many it got before end of file. Into
 * the front of `scratch` when it is large enough, else into a fresh buffer.
 */
async function readAt(
  handle: FileHandle,
  length: number,
  position: number,
  scratch?: ArrayBuffer,
): Promise<{ bytes: Uint8Array; got: number }> {
  const bytes =
    scratch && scratch.byteLength >= length ? new Uint8Array(scratch, 0, length) : new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(bytes, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return { bytes, got };
}

/**
 * Lazy reader for big checkpoints: opening reads and validates only the header (header length bounded by
 * 100 MB and by the file size), then each tensor's bytes are read with a positional read on demand, into a
 * fresh aligned buffer, so a large checkpoint is never held twice in memory.
 */
export class SafetensorsFileReader {
  readonly path: string;
  readonly header: SafetensorsHeader;
  /** Tensor names, ordered by offset in the data section. */
  readonly names: string[];
  private handle: FileHandle | undefined;
  private readonly fileSize: number;

  private constructor(path: string, handle: FileHandle, header: SafetensorsHeader, fileSize: number) {
    this.path = path;
    this.handle = handle;
    this.header = header;
    this.fileSize = fileSize;
    this.names = namesByOffset(header.entries);
  }

  static async open(path: string): Promise<SafetensorsFileReader> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const first = await readAt(handle, Math.min(size, 8), 0);
      const n = readHeaderLength(first.bytes.subarray(0, first.got), size, path);
      const prefix = await readAt(handle, 8 + n, 0);
      if (prefix.got < 8 + n) {
        throw new SafetensorsError(
          `file shrank while reading the header: got ${prefix.got} of ${8 + n} bytes`,
          {
            source: path,
            offset: prefix.got,
          },
        );
      }
      const header = parseSafetensorsHeader(prefix.bytes, size, path);
      return new SafetensorsFileReader(path, handle, header, size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  get metadata(): Record<string, string> {
    return this.header.metadata;
  }

  has(name: string): boolean {
    return this.header.entries.has(name);
  }

  entry(name: string): SafetensorsEntry {
    return lookupEntry(this.header, name, this.path);
  }

  /**
   * The tensor in its own dtype (see `SafetensorsFile.raw`), read from disk now. With `scratch`
   * (large enough for the tensor's bytes) the result is a view into it, valid until the caller
   * reuses the scratch: a loader that uploads each tensor as soon as it is read then touches one
   * buffer instead of fresh memory for every tensor (first touch of fresh pages dominated loads).
   */
  async readRaw(name: string, scratch?: ArrayBuffer): Promise<RawArray> {
    const e = this.entry(name);
    return rawFromBytes(e, await this.#readTensorBytes(name, e, 0, e.byteLength, scratch));
  }

  /**
   * Bytes [start, start + length) of a tensor's data as stored (any dtype), into `scratch` when
   * it fits: for walking a big tensor in pieces without holding all of it.
   */
  async readBytes(name: string, start: number, length: number, scratch?: ArrayBuffer): Promise<Uint8Array> {
    const e = this.entry(name);
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(length) ||
      start < 0 ||
      length < 0 ||
      start + length > e.byteLength
    ) {
      throw new SafetensorsError(
        `byte range [${start}, ${start + length}) is outside the tensor's ${e.byteLength} bytes`,
        {
          source: this.path,
          tensor: name,
          offset: e.offset + Math.max(0, start),
        },
      );
    }
    return this.#readTensorBytes(name, e, start, length, scratch);
  }

  /** Bytes [start, start + length) of tensor `e` (a range already checked), or a typed error. */
  async #readTensorBytes(
    name: string,
    e: SafetensorsEntry,
    start: number,
    length: number,
    scratch?: ArrayBuffer,
  ): Promise<Uint8Array> {
    if (this.handle === undefined) {
      throw new SafetensorsError('reader is closed', { source: this.path, tensor: name, offset: e.offset });
    }
    const { bytes, got } = await readAt(this.handle, length, e.offset + start, scratch);
    if (got < length) {
      const { size } = await this.handle.stat();
      throw new SafetensorsError(
        `file truncated: the tensor needs bytes up to ${e.offset + start + length}, but the file is now ` +
          `${size} bytes (it was ${this.fileSize} when opened)`,
        { source: this.path, tensor: name, offset: e.offset + start + got },
      );
    }
    return bytes;
  }

  /** The tensor as float32 (see `float32FromRaw`); F32 data lands in `scratch` as for `readRaw`. */
  async readFloat32(name: string, scratch?: ArrayBuffer): Promise<Float32Array> {
    const e = this.entry(name);
    return float32FromRaw(e, await this.readRaw(name, scratch), this.path);
  }

  async readInt32(name: string): Promise<Int32Array> {
    const e = this.entry(name);
    return int32FromRaw(e, await this.readRaw(name), this.path);
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }
}

/** Reads a whole safetensors file into memory and validates it. */
export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const { bytes, got } = await readAt(handle, size, 0);
    return parseSafetensors(got === size ? bytes : bytes.subarray(0, got), path);
  } finally {
    await handle.close();
  }
}

/** Serializes and writes a safetensors file: to `path + '.tmp'`, flushed, then renamed over `path`. */
export async function writeSafetensorsFile(
  path: string,
  tensors: Record<string, SafetensorsTensorInput>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata);
  const tmp = `${path}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
