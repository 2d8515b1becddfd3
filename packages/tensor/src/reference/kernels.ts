import { IndexOutOfRangeError } from '../errors.js';
import type { Activation } from '../ops/catalogue.js';
import { fffNodes } from '../ops/catalogue.js';
import type { Shape } from '../shape.js';
import { gelu } from './erf.js';

/*
 * Plain loops, float64 accumulation, float32 storage. Clarity over speed: this is the
 * implementation every other backend is compared with, and it must be obviously right.
 */

const lastDim = (s: Shape) => s[s.length - 1]!;
const rowsOf = (s: Shape) => s.slice(0, -1).reduce((p, d) => p * d, 1);

function activate(v: number, act: Activation): number {
  if (act === 'gelu') return gelu(v);
  if (act === 'tanh') return Math.tanh(v);
  return v;
}

export function linear(
  x: Float32Array,
  xs: Shape,
  w: Float32Array,
  ws: Shape,
  bias: Float32Array | undefined,
  act: Activation,
): Float32Array {
  const rows = rowsOf(xs);
  const inW = lastDim(xs);
  const outW = ws[0]!;
  const y = new Float32Array(rows * outW);
  for (let r = 0; r < rows; r++) {
    const xo = r * inW;
    for (let o = 0; o < outW; o++) {
      const wo = o * inW;
      let acc = bias ? bias[o]! : 0;
      for (let i = 0; i < inW; i++) acc += x[xo + i]! * w[wo + i]!;
      y[r * outW + o] = activate(acc, act);
    }
  }
  return y;
}

/** Walk every (row, tree) path; `visit` receives the node's global row and its logit. */
function walkFFF(
  x: Float32Array,
  xs: Shape,
  wIn: Float32Array,
  bIn: Float32Array,
  depth: number,
  trees: number,
  visit: (row: number, tree: number, level: number, node: number, globalNode: number, logit: number) => void,
): void {
  const rows = rowsOf(xs);
  const inW = lastDim(xs);
  const n = fffNodes(depth);
  for (let r = 0; r < rows; r++) {
    const xo = r * inW;
    for (let k = 0; k < trees; k++) {
      let node = 0;
      for (let level = 0; level <= depth; level++) {
        const g = k * n + node;
        const wo = g * inW;
        let l = bIn[g]!;
        for (let i = 0; i < inW; i++) l += x[xo + i]! * wIn[wo + i]!;
        visit(r, k, level, node, g, l);
        // Strict '>': a logit of exactly 0 (or NaN) goes left, as in the original.
        node = 2 * node + 1 + (l > 0 ? 1 : 0);
      }
    }
  }
}

export function fff(
  x: Float32Array,
  xs: Shape,
  wIn: Float32Array,
  bIn: Float32Array,
  wOut: Float32Array,
  outW: number,
  depth: number,
  trees: number,
): Float32Array {
  const rows = rowsOf(xs);
  const acc = new Float64Array(rows * outW);
  walkFFF(x, xs, wIn, bIn, depth, trees, (r, _k, _level, _node, g, l) => {
    const a = gelu(l);
    const yo = r * outW;
    const wo = g * outW;
    for (let o = 0; o < outW; o++) acc[yo + o]! += a * wOut[wo + o]!;
  });
  return Float32Array.from(acc);
}

export function fffRoute(
  x: Float32Array,
  xs: Shape,
  wIn: Float32Array,
  bIn: Float32Array,
  depth: number,
  trees: number,
): Int32Array {
  const paths = new Int32Array(rowsOf(xs) * trees * (depth + 1));
  walkFFF(x, xs, wIn, bIn, depth, trees, (r, k, level, node) => {
    paths[(r * trees + k) * (depth + 1) + level] = node;
  });
  return paths;
}

export function layerNorm(
  x: Float32Array,
  xs: Shape,
  w: Float32Array,
  b: Float32Array,
  eps: number,
): Float32Array {
  const h = lastDim(xs);
  const rows = rowsOf(xs);
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * h;
    let mean = 0;
    for (let i = 0; i < h; i++) mean += x[o + i]!;
    mean /= h;
    let v = 0;
    for (let i = 0; i < h; i++) v += (x[o + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / h + eps);
    for (let i = 0; i < h; i++) y[o + i] = (x[o + i]! - mean) * inv * w[i]! + b[i]!;
  }
  return y;
}

export function attention(
  qkv: Float32Array,
  qs: Shape,
  mask: Int32Array | undefined,
  heads: number,
  scale: number,
): Float32Array {
  const [B, S, W3] = qs as [number, number, number];
  const H = W3 / 3;
  const hd = H / heads;
  const out = new Float32Array(B * S * H);
  const scores = new Float64Array(S);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < heads; h++) {
      const base = h * 3 * hd; // per-head interleaving: [q_h, k_h, v_h]
      for (let s = 0; s < S; s++) {
        const qo = (b * S + s) * W3 + base;
        let max = Number.NEGATIVE_INFINITY;
        for (let t = 0; t < S; t++) {
          const ko = (b * S + t) * W3 + base + hd;
          let dot = 0;
          for (let d = 0; d < hd; d++) dot += qkv[qo + d]! * qkv[ko + d]!;
          let sc = dot * scale;
          if (mask) sc += (1 - mask[b * S + t]!) * -10000;
          scores[t] = sc;
          if (sc > max) max = sc;
        }
        let sum = 0;
        for (let t = 0; t < S; t++) {
          scores[t] = Math.exp(scores[t]! - max);
          sum += scores[t]!;
        }
        const oo = (b * S + s) * H + h * hd;
        for (let d = 0; d < hd; d++) {
          let acc = 0;
          for (let t = 0; t < S; t++) acc += scores[t]! * qkv[(b * S + t) * W3 + base + 2 * hd + d]!;
          out[oo + d] = acc / sum;
        }
      }
    }
  }
  return out;
}

export function map(x: Float32Array, f: (v: number) => number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = f(x[i]!);
  return y;
}

export function add(a: Float32Array, b: Float32Array): Float32Array {
  const y = new Float32Array(a.length);
  const n = b.length;
  for (let i = 0; i < a.length; i++) y[i] = a[i]! + b[i % n]!;
  return y;
}

export function embedding(table: Float32Array, ts: Shape, ids: Int32Array): Float32Array {
  const [V, H] = ts as [number, number];
  const y = new Float32Array(ids.length * H);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= V) {
      throw new IndexOutOfRangeError(`embedding: id ${id} at position ${i} is outside the table's ${V} rows`);
    }
    y.set(table.subarray(id * H, (id + 1) * H), i * H);
  }
  return y;
}

export function meanPool(x: Float32Array, xs: Shape, mask: Int32Array | undefined): Float32Array {
  const [B, S, H] = xs as [number, number, number];
  const y = new Float32Array(B * H);
  const acc = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    acc.fill(0);
    let count = 0;
    for (let s = 0; s < S; s++) {
      if (mask && mask[b * S + s] === 0) continue;
      count++;
      const o = (b * S + s) * H;
      for (let h = 0; h < H; h++) acc[h]! += x[o + h]!;
    }
    // A fully masked row has no mean; it pools to zeros rather than NaN.
    for (let h = 0; h < H; h++) y[b * H + h] = count === 0 ? 0 : acc[h]! / count;
  }
  return y;
}

export function softmax(x: Float32Array, xs: Shape): Float32Array {
  const n = lastDim(xs);
  const y = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += n) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) max = Math.max(max, x[o + i]!);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(x[o + i]! - max);
    for (let i = 0; i < n; i++) y[o + i] = Math.exp(x[o + i]! - max) / sum;
  }
  return y;
}

export function topk(x: Float32Array, xs: Shape, k: number): [Float32Array, Int32Array] {
  const n = lastDim(xs);
  const rows = x.length / n;
  const values = new Float32Array(rows * k);
  const indices = new Int32Array(rows * k);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    // NaN sorts after every number; equal values keep the lower index first.
    const key = (i: number) => (Number.isNaN(x[o + i]!) ? Number.NEGATIVE_INFINITY : x[o + i]!);
    const order = idx.slice().sort((i, j) => key(j) - key(i) || i - j);
    for (let j = 0; j < k; j++) {
      indices[r * k + j] = order[j]!;
      values[r * k + j] = x[o + order[j]!]!;
    }
  }
  return [values, indices];
}
