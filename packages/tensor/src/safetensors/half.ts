/**
 * Conversions between float32 and the 16- and 8-bit float formats safetensors files may hold.
 * float32 → 16 bit rounds to nearest, ties to even; NaN stays NaN (sign and top payload bits kept, quiet bit
 * set), ±Inf stays ±Inf, and finite values too large for the target become ±Inf. The 16-bit values are raw
 * bit patterns in a Uint16Array.
 */

function bitsOf(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

/** One float32 bit pattern → IEEE binary16 bits, round to nearest even. */
export function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // binary16 subnormal (or zero): value = mant24 × 2^(e − 14) units of 2^-24.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let r = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (r & 1) === 1)) r++;
    return sign | r; // r may carry into the smallest normal (0x400), which is right
  }
  let o = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (o & 1) === 1)) o++; // a carry may reach 0x7c00 = Inf: right
  return sign | o;
}

/** One binary16 bit pattern → float32 bit pattern (exact). */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal: normalise.
  let e = 113;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/** One float32 bit pattern → bfloat16 bits, round to nearest even. */
export function f32BitsToBF16Bits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  const u = x >>> 0;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function float32ToF16(x: Float32Array): Uint16Array {
  const src = bitsOf(x);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32BitsToF16Bits(src[i]!);
  return out;
}

export function f16ToFloat32(x: Uint16Array): Float32Array {
  const out = new Float32Array(x.length);
  const bits = bitsOf(out);
  for (let i = 0; i < x.length; i++) bits[i] = f16BitsToF32Bits(x[i]!);
  return out;
}

export function float32ToBF16(x: Float32Array): Uint16Array {
  const src = bitsOf(x);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32BitsToBF16Bits(src[i]!);
  return out;
}

export function bf16ToFloat32(x: Uint16Array): Float32Array {
  const out = new Float32Array(x.length);
  const bits = bitsOf(out);
  for (let i = 0; i < x.length; i++) bits[i] = x[i]! << 16;
  return out;
}

let e4m3Table: Float32Array | undefined;
let e5m2Table: Float32Array | undefined;

/**
 * float8 E4M3 ("fn" variant, as in PyTorch `float8_e4m3fn`): bias 7, no infinities, S.1111.111 is NaN.
 * E5M2: bias 15, IEEE-like with ±Inf and NaN.
 */
function f8Table(kind: 'F8_E4M3' | 'F8_E5M2'): Float32Array {
  if (kind === 'F8_E4M3') {
    if (e4m3Table === undefined) {
      e4m3Table = new Float32Array(256);
      for (let b = 0; b < 256; b++) {
        const s = b & 0x80 ? -1 : 1;
        const e = (b >>> 3) & 0xf;
        const m = b & 0x7;
        if (e === 0xf && m === 0x7) e4m3Table[b] = Number.NaN;
        else if (e === 0) e4m3Table[b] = s * m * 2 ** -9;
        else e4m3Table[b] = s * (1 + m / 8) * 2 ** (e - 7);
      }
    }
    return e4m3Table;
  }
  if (e5m2Table === undefined) {
    e5m2Table = new Float32Array(256);
    const bits = bitsOf(e5m2Table);
    // E5M2 is the top byte of binary16.
    for (let b = 0; b < 256; b++) bits[b] = f16BitsToF32Bits(b << 8);
  }
  return e5m2Table;
}

export function f8ToFloat32(x: Uint8Array, kind: 'F8_E4M3' | 'F8_E5M2'): Float32Array {
  const table = f8Table(kind);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = table[x[i]!]!;
  return out;
}
