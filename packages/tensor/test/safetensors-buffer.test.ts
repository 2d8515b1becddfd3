import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors } from '../src/index.js';

describe('safetensors from a Node Buffer', () => {
  it('reads an I64 tensor at an offset that is not 8-aligned (Buffer#slice is a view, not a copy)', () => {
    const bytes = serializeSafetensors({
      a: { dtype: 'U8', shape: [3], data: Uint8Array.of(1, 2, 3) },
      b: { dtype: 'I64', shape: [4], data: BigInt64Array.of(0n, 1n, 3n, 8n) },
    });
    // Copy into a pooled-style Buffer at an odd position, so the I64 tensor is not 8-aligned in memory.
    const pool = Buffer.alloc(bytes.length + 8, 0xff);
    pool.set(bytes, 8);
    const file = parseSafetensors(pool.subarray(8), 'buffer.safetensors');
    expect(Array.from(file.int32('b'))).toEqual([0, 1, 3, 8]);
  });
});
