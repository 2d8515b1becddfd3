import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSafetensors, SafetensorsError, serializeSafetensors } from '../src/index.js';
import { readSafetensorsFile, SafetensorsFileReader, writeSafetensorsFile } from '../src/node.js';
import { GOLDEN } from './shared.js';

const dir = mkdtempSync(join(tmpdir(), 'ufb-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<SafetensorsError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    return err as SafetensorsError;
  }
  throw new Error('expected a SafetensorsError, the promise resolved');
}

/** Byte-wise equality of two views (fast, unlike a deep equal of millions of elements). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function goldenFiles(d: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) out.push(...goldenFiles(p));
    else if (e.name.endsWith('.safetensors')) out.push(p);
  }
  return out.sort();
}

const sample = {
  w: { dtype: 'F32' as const, shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
  ids: { dtype: 'I64' as const, shape: [3], data: BigInt64Array.of(0n, 7n, -1n) },
  s: { dtype: 'F32' as const, shape: [], data: Float32Array.of(0.25) },
  h: { dtype: 'F16' as const, shape: [2], data: Uint16Array.of(0x3c00, 0xc000) },
  flag: { dtype: 'BOOL' as const, shape: [1], data: Uint8Array.of(1) },
};

describe('SafetensorsFileReader (lazy) and file helpers', () => {
  const files = goldenFiles(GOLDEN);

  it.each(files.map((f) => [f.slice(GOLDEN.length), f]))(
    'agrees with the in-memory parser on %s',
    async (_, path) => {
      const memory = parseSafetensors(new Uint8Array(readFileSync(path)), path);
      const reader = await SafetensorsFileReader.open(path);
      try {
        expect(reader.path).toBe(path);
        expect(reader.names).toEqual(memory.names);
        expect(reader.header.metadata).toEqual(memory.metadata);
        for (const name of reader.names) {
          expect(reader.has(name)).toBe(true);
          expect(reader.entry(name)).toEqual(memory.entry(name));
          const e = reader.entry(name);
          if (e.dtype === 'F32')
            expect(sameBytes(await reader.readFloat32(name), memory.float32(name))).toBe(true);
          else expect(sameBytes(await reader.readInt32(name), memory.int32(name))).toBe(true);
          const raw = await reader.readRaw(name);
          expect(raw.constructor).toBe(memory.raw(name).constructor);
          expect(sameBytes(raw, memory.raw(name))).toBe(true);
        }
      } finally {
        await reader.close();
      }
    },
  );

  it('writes atomically (no .tmp left) and reads back with both readers', async () => {
    const path = join(dir, 'sample.safetensors');
    await writeSafetensorsFile(path, sample, { format: 'pt' });
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(new Uint8Array(readFileSync(path))).toEqual(serializeSafetensors(sample, { format: 'pt' }));

    const whole = await readSafetensorsFile(path);
    expect(whole.metadata).toEqual({ format: 'pt' });
    expect(Array.from(whole.float32('w'))).toEqual([1, 2, 3, 4, 5, 6]);

    const reader = await SafetensorsFileReader.open(path);
    expect(reader.names).toEqual(whole.names);
    expect(Array.from(await reader.readFloat32('w'))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await reader.readInt32('ids'))).toEqual([0, 7, -1]);
    expect(Array.from(await reader.readFloat32('s'))).toEqual([0.25]);
    expect(Array.from(await reader.readFloat32('h'))).toEqual([1, -2]);
    expect(Array.from(await reader.readInt32('flag'))).toEqual([1]);
    expect(Array.from((await reader.readRaw('ids')) as BigInt64Array)).toEqual([0n, 7n, -1n]);
    const bad = await rejection(reader.readFloat32('ids'));
    expect(bad.message).toContain('dtype I64 cannot be read as float32');
    expect(bad.source).toBe(path);
    const missing = await rejection(reader.readRaw('nope'));
    expect(missing.message).toContain('"nope"');
    expect(missing.message).toContain(path);
    await reader.close();
    const closed = await rejection(reader.readRaw('w'));
    expect(closed.message).toContain('reader is closed');
    expect((await rejection(reader.readBytes('w', 0, 4))).message).toContain('reader is closed');
    await reader.close(); // idempotent
  });

  it('reads into a caller scratch buffer when it is large enough, else into fresh memory', async () => {
    const path = join(dir, 'scratch.safetensors');
    await writeSafetensorsFile(path, sample, { format: 'pt' });
    const reader = await SafetensorsFileReader.open(path);
    const scratch = new ArrayBuffer(64);
    const w = await reader.readFloat32('w', scratch);
    expect(w.buffer).toBe(scratch); // F32: a view, no copy
    expect(Array.from(w)).toEqual([1, 2, 3, 4, 5, 6]);
    const h = await reader.readFloat32('h', scratch); // F16: raw bytes in scratch, converted to fresh
    expect(h.buffer).not.toBe(scratch);
    expect(Array.from(h)).toEqual([1, -2]);
    const piece = await reader.readBytes('w', 8, 12, scratch); // floats 2..4 of w, as stored
    expect(piece.buffer).toBe(scratch);
    expect(Array.from(new Float32Array(piece.buffer, 0, 3))).toEqual([3, 4, 5]);
    for (const [start, length] of [
      [-4, 4],
      [20, 8],
      [0, 1.5],
    ])
      await expect(reader.readBytes('w', start!, length!)).rejects.toThrow(/outside the tensor's 24 bytes/);
    const small = new ArrayBuffer(8); // 6 floats do not fit: fresh buffer, same values
    const w2 = await reader.readFloat32('w', small);
    expect(w2.buffer).not.toBe(small);
    expect(Array.from(w2)).toEqual([1, 2, 3, 4, 5, 6]);
    await reader.close();
  });

  it('a failed write leaves neither the target nor the .tmp file', async () => {
    const path = join(dir, 'bad.safetensors');
    await expect(
      writeSafetensorsFile(path, { w: { dtype: 'F32', shape: [3], data: Float32Array.of(1) } }),
    ).rejects.toBeInstanceOf(SafetensorsError);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    const noDir = join(dir, 'missing-dir', 'x.safetensors');
    await expect(writeSafetensorsFile(noDir, sample)).rejects.toThrow(/ENOENT/);
  });

  it('rejects a truncated file, naming the tensor, the expected end offset and the actual size', async () => {
    const path = join(dir, 'truncated.safetensors');
    const bytes = serializeSafetensors(sample);
    writeFileSync(path, bytes.subarray(0, bytes.length - 2));
    const last = parseSafetensors(bytes).names.at(-1)!;
    for (const attempt of [() => SafetensorsFileReader.open(path), () => readSafetensorsFile(path)]) {
      const err = await rejection(attempt());
      expect(err.tensor).toBe(last);
      expect(err.source).toBe(path);
      expect(err.message).toContain(`reach byte ${bytes.length}`);
      expect(err.message).toContain(`file is ${bytes.length - 2} bytes`);
    }
  });

  it('a file truncated after opening fails the read with the tensor, expected end and actual size', async () => {
    const path = join(dir, 'shrinks.safetensors');
    const bytes = serializeSafetensors(sample);
    writeFileSync(path, bytes);
    const reader = await SafetensorsFileReader.open(path);
    try {
      const e = reader.entry('w');
      truncateSync(path, e.offset + 5);
      const err = await rejection(reader.readRaw('w'));
      expect(err.tensor).toBe('w');
      expect(err.message).toContain(`needs bytes up to ${e.offset + e.byteLength}`);
      expect(err.message).toContain(`file is now ${e.offset + 5} bytes`);
      // a byte range inside what is left still reads; one past it names where the file ends
      expect(Array.from(await reader.readBytes('w', 0, 4))).toEqual([0, 0, 128, 63]); // 1.0f
      const piece = await rejection(reader.readBytes('w', 4, 8));
      expect(piece.tensor).toBe('w');
      expect(piece.offset).toBe(e.offset + 5);
      expect(piece.message).toContain(`needs bytes up to ${e.offset + 12}`);
      expect(piece.message).toContain(`file is now ${e.offset + 5} bytes`);
    } finally {
      await reader.close();
    }
  });

  it('bounds the header: too short, longer than the file, over 100 MB, bad JSON', async () => {
    const cases: [Uint8Array, string][] = [];
    cases.push([Uint8Array.of(1, 2, 3), 'file is 3 bytes, shorter than the 8-byte header length prefix']);
    const long = new Uint8Array(16);
    new DataView(long.buffer).setBigUint64(0, 9n, true);
    cases.push([long, 'header length 9 runs past the end of the file (file is 16 bytes']);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 200_000_000n, true);
    cases.push([huge, 'exceeds the 100000000-byte limit']);
    const junk = new Uint8Array(16);
    new DataView(junk.buffer).setBigUint64(0, 8n, true);
    junk.set(new TextEncoder().encode('{"a":1 '), 8);
    cases.push([junk, 'not valid JSON']);
    for (const [i, [bytes, fragment]] of cases.entries()) {
      const path = join(dir, `header-${i}.safetensors`);
      writeFileSync(path, bytes);
      const err = await rejection(SafetensorsFileReader.open(path));
      expect(err.message).toContain(fragment);
      expect(err.message).toContain(path);
    }
  });

  it('only reads the header on open: the data is read per tensor', async () => {
    const path = join(dir, 'lazy.safetensors');
    const big = new Float32Array(1 << 16).map((_, i) => i);
    await writeSafetensorsFile(path, { a: { dtype: 'F32', shape: [big.length], data: big }, b: sample.s });
    const reader = await SafetensorsFileReader.open(path);
    try {
      const a = reader.entry('a');
      // Corrupting a's bytes on disk after open shows up in the next read: nothing was cached at open.
      const bytes = readFileSync(path);
      bytes.writeFloatLE(-1, a.offset);
      writeFileSync(path, bytes);
      const values = await reader.readFloat32('a');
      expect(values[0]).toBe(-1);
      expect(values[1]).toBe(1);
      expect(values.byteOffset % 4).toBe(0);
      expect(values.buffer.byteLength).toBe(a.byteLength); // a buffer of just this tensor, not the file
    } finally {
      await reader.close();
    }
  });
});
