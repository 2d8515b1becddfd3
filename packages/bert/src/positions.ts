const f = Math.fround;

/**
 * The scaled-sinusoidal position table exactly as the original computes it in float32:
 * pe[p, 2i] = sin(p · div_i), pe[p, 2i+1] = cos(p · div_i), div_i = exp(2i · (-ln(10000)/H)),
 * each step rounded to float32 as torch does (matches the stored table to within 5e-7).
 */
export function sinusoidTable(maxLen: number, hidden: number): Float32Array {
  const pe = new Float32Array(maxLen * hidden);
  const k = f(-Math.log(10000) / hidden);
  for (let i = 0; 2 * i < hidden; i++) {
    const div = f(Math.exp(f(f(2 * i) * k)));
    for (let p = 0; p < maxLen; p++) {
      const arg = f(f(p) * div);
      pe[p * hidden + 2 * i] = Math.sin(arg);
      if (2 * i + 1 < hidden) pe[p * hidden + 2 * i + 1] = Math.cos(arg);
    }
  }
  return pe;
}

/** scale_factor · pe[:S] in float32 (both operands are float32 in the original). */
export function scaledPositions(
  table: Float32Array,
  seqLen: number,
  hidden: number,
  scale: number,
): Float32Array {
  const out = new Float32Array(seqLen * hidden);
  const s = f(scale);
  for (let i = 0; i < out.length; i++) out[i] = s * table[i]!;
  return out;
}
