import { gelu } from '@ultrafastbert/tensor';
import { type FFFConfig, nodesPerTree, totalNodes } from './config.js';
import { checkFFFWeights, type FFFWeights } from './weights.js';

export interface MaskedResult {
  /** [rows, out] */
  y: Float32Array;
  /** [rows, trees, depth+1], node index within its tree */
  paths: Int32Array;
  /** all linear_in outputs [rows, K*N] */
  logits: Float32Array;
}

/**
 * The ORIGINAL computation, on the host: every one of the K·N logits is computed and passed
 * through GELU, activations off the routed paths are multiplied by 0, and linear_out is applied
 * densely. No speedup — it exists to check CMM against the original's semantics (and it also
 * works for input ≠ output widths, where the original code raises).
 */
export function maskedForward(config: FFFConfig, w: FFFWeights, x: Float32Array): MaskedResult {
  checkFFFWeights(config, w);
  const { inputWidth: inW, outputWidth: outW, depth, trees } = config;
  const n = nodesPerTree(config);
  const total = totalNodes(config);
  const rows = x.length / inW;
  const logits = new Float32Array(rows * total);
  const paths = new Int32Array(rows * trees * (depth + 1));
  const y = new Float32Array(rows * outW);
  const masked = new Float64Array(total);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < total; j++) {
      let acc = w.linearInBias[j]!;
      for (let i = 0; i < inW; i++) acc += x[r * inW + i]! * w.linearInWeight[j * inW + i]!;
      logits[r * total + j] = acc;
    }
    masked.fill(0);
    for (let k = 0; k < trees; k++) {
      let node = 0;
      for (let level = 0; level <= depth; level++) {
        const l = logits[r * total + k * n + node]!;
        paths[(r * trees + k) * (depth + 1) + level] = node;
        masked[k * n + node] = gelu(l); // GELU(all) · mask(path) == GELU on the path only
        node = 2 * node + 1 + (l > 0 ? 1 : 0);
      }
    }
    for (let o = 0; o < outW; o++) {
      let acc = 0;
      for (let j = 0; j < total; j++) acc += masked[j]! * w.linearOutWeight[o * total + j]!;
      y[r * outW + o] = acc;
    }
  }
  return { y, paths, logits };
}
