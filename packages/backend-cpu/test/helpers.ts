import { type CpuIsa, cpuFeatures } from '../src/index.js';

/** Every kernel set this machine can run. */
export function availableIsas(): CpuIsa[] {
  const f = cpuFeatures();
  return ['portable', ...(f.avx2 ? (['avx2'] as const) : []), ...(f.avx512 ? (['avx512'] as const) : [])];
}

/** Deterministic test data. */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

export const GOLDEN = new URL('../../../../shared/golden/', import.meta.url);

/** Bitwise equality of two typed arrays (fast, unlike deep equality on large arrays); NaNs with equal bits match. */
export function sameBits(
  a: ArrayLike<number> & ArrayBufferView,
  b: ArrayLike<number> & ArrayBufferView,
): boolean {
  return (
    a.byteLength === b.byteLength &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}
