import { formatShape, type Rng, ShapeError } from '@ultrafastbert/tensor';
import { type FFFConfig, totalNodes } from './config.js';

/**
 * FFF weights in the ORIGINAL PyTorch layout (`FFF.state_dict()`):
 * linear_in.weight [K*N, in], linear_in.bias [K*N], linear_out.weight [out, K*N] (no bias).
 * Node n of tree k is row/column k*N + n.
 */
export interface FFFWeights {
  linearInWeight: Float32Array;
  linearInBias: Float32Array;
  linearOutWeight: Float32Array;
}

/** The state_dict key names, optionally under a prefix such as `encoder.layers.3.ffn.`. */
export const fffKeys = (prefix = '') => ({
  linearInWeight: `${prefix}linear_in.weight`,
  linearInBias: `${prefix}linear_in.bias`,
  linearOutWeight: `${prefix}linear_out.weight`,
});

/** Expected shapes of the original tensors for a config. */
export function fffShapes(c: FFFConfig): Record<keyof FFFWeights, number[]> {
  const n = totalNodes(c);
  return { linearInWeight: [n, c.inputWidth], linearInBias: [n], linearOutWeight: [c.outputWidth, n] };
}

export function checkFFFWeights(c: FFFConfig, w: FFFWeights): void {
  const shapes = fffShapes(c);
  for (const key of Object.keys(shapes) as (keyof FFFWeights)[]) {
    const need = shapes[key].reduce((a, b) => a * b, 1);
    if (w[key].length !== need)
      throw new ShapeError(
        `FFF weights: ${key} must have shape ${formatShape(shapes[key])} (${need} values), got ${w[key].length}`,
      );
  }
}

/**
 * linear_out.weight [out, K*N] → node-major [K*N, out], so each visited node's output vector is
 * one contiguous row (what the CMM kernels stream). Done once at load, in 16×16 tiles: a plain
 * row-by-row transpose writes with a stride of `out` floats and took twice as long (~20 ms per
 * 768×4095 layer, 16 layers per checkpoint). With `scratch` (large enough) the result is a
 * view into it, valid until the caller reuses the scratch.
 */
export function toNodeMajor(
  linearOutWeight: Float32Array,
  outputWidth: number,
  nodes: number,
  scratch?: ArrayBuffer,
): Float32Array {
  const n = linearOutWeight.length;
  // Into the front of `scratch` when it fits (a loader that uploads the result at once reuses it).
  const t = scratch && scratch.byteLength >= n * 4 ? new Float32Array(scratch, 0, n) : new Float32Array(n);
  const B = 16;
  for (let n0 = 0; n0 < nodes; n0 += B) {
    const n1 = Math.min(nodes, n0 + B);
    for (let o0 = 0; o0 < outputWidth; o0 += B) {
      const o1 = Math.min(outputWidth, o0 + B);
      for (let n = n0; n < n1; n++) {
        const dst = n * outputWidth;
        for (let o = o0; o < o1; o++) t[dst + o] = linearOutWeight[o * nodes + n]!;
      }
    }
  }
  return t;
}

/**
 * Deterministic random weights (for tests and benchmarks). Uniform like torch's nn.Linear default
 * (±1/√fan_in) for linear_in; linear_out is scaled by the number of nodes a token visits
 * (K·(D+1)) rather than all K·N, so outputs stay O(1) as in a trained sparse layer.
 */
export function randomFFFWeights(c: FFFConfig, rng: Rng): FFFWeights {
  const n = totalNodes(c);
  const a = 1 / Math.sqrt(c.inputWidth);
  const b = 1 / Math.sqrt(c.trees * (c.depth + 1));
  const fill = (size: number, lim: number) => {
    const x = new Float32Array(size);
    for (let i = 0; i < size; i++) x[i] = rng.uniform(-lim, lim);
    return x;
  };
  return {
    linearInWeight: fill(n * c.inputWidth, a),
    linearInBias: fill(n, a),
    linearOutWeight: fill(c.outputWidth * n, b),
  };
}
