import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';

/**
 * The op catalogue: every op any backend may implement, with its inputs and attributes.
 * This is the one contract between models and backends (cf. tfjs-core's kernel names).
 * Ops are deliberately coarse so backends can fuse (e.g. `linear` carries its activation).
 *
 * Semantics (all f32 unless noted; "rows" = product of leading dims):
 * - linear      x[..., in] · weight[out, in]ᵀ (+ bias[out]) then optional activation → [..., out]
 * - fff         conditional matmul through K binary trees of depth D (N = 2^(D+1)-1 nodes each):
 *               per row and tree, n=0; for level 0..D: l = x·wIn[k*N+n] + bIn[k*N+n];
 *               y += gelu(l) * wOut[k*N+n]; n = 2n+1+(l>0).  wOut is NODE-MAJOR [K*N, out]
 *               (the transpose of the original linear_out.weight). → y[..., out]
 * - fffRoute    same routing, returns the visited node (within its tree) per level: i32 [rows, K, D+1]
 * - layerNorm   over the last dim: (x-mean)/sqrt(var+eps)*weight+bias, biased variance
 * - attention   qkv[B, S, 3H] with rows interleaved PER HEAD as [q_h, k_h, v_h] (crammedBERT);
 *               scores = q·k * scale + (mask ? (1-mask[b, key]) * -10000 : 0); softmax over keys;
 *               context heads concatenated → [B, S, H]. mask is i32 [B, S] of 0/1, keys only.
 * - gelu, tanh  elementwise; gelu is the exact erf form
 * - add         a + b, where b's shape equals a trailing slice of a's shape (b repeats)
 * - embedding   gather rows: table[V, H], ids i32 [...] → [..., H]; ids outside [0, V) reject
 * - meanPool    x[B, S, H] → [B, H]; mean over all S, or over positions where mask[b, s] != 0
 * - softmax     over the last dim
 * - topk        over the last dim, descending, ties broken by lower index → values, indices (i32)
 */
export interface OpCatalogue {
  linear: { inputs: { x: 'f32'; weight: 'f32'; bias?: 'f32' }; attrs: { activation?: Activation } };
  fff: { inputs: { x: 'f32'; wIn: 'f32'; bIn: 'f32'; wOut: 'f32' }; attrs: { depth: number; trees: number } };
  fffRoute: { inputs: { x: 'f32'; wIn: 'f32'; bIn: 'f32' }; attrs: { depth: number; trees: number } };
  layerNorm: { inputs: { x: 'f32'; weight: 'f32'; bias: 'f32' }; attrs: { eps: number } };
  attention: { inputs: { qkv: 'f32'; mask?: 'i32' }; attrs: { heads: number; scale: number } };
  gelu: { inputs: { x: 'f32' }; attrs: Record<string, never> };
  tanh: { inputs: { x: 'f32' }; attrs: Record<string, never> };
  add: { inputs: { a: 'f32'; b: 'f32' }; attrs: Record<string, never> };
  embedding: { inputs: { table: 'f32'; ids: 'i32' }; attrs: Record<string, never> };
  meanPool: { inputs: { x: 'f32'; mask?: 'i32' }; attrs: Record<string, never> };
  softmax: { inputs: { x: 'f32' }; attrs: Record<string, never> };
  topk: { inputs: { x: 'f32' }; attrs: { k: number } };
}

export type OpName = keyof OpCatalogue;
export type OpAttrs = { [K in OpName]: OpCatalogue[K]['attrs'] };
export type Activation = 'none' | 'gelu' | 'tanh';

/** Runtime description of each op's inputs (order = the order backends see them). */
export const OP_INPUTS: {
  readonly [K in OpName]: ReadonlyArray<{ name: string; dtype: DType; optional?: true }>;
} = {
  linear: [
    { name: 'x', dtype: 'f32' },
    { name: 'weight', dtype: 'f32' },
    { name: 'bias', dtype: 'f32', optional: true },
  ],
  fff: [
    { name: 'x', dtype: 'f32' },
    { name: 'wIn', dtype: 'f32' },
    { name: 'bIn', dtype: 'f32' },
    { name: 'wOut', dtype: 'f32' },
  ],
  fffRoute: [
    { name: 'x', dtype: 'f32' },
    { name: 'wIn', dtype: 'f32' },
    { name: 'bIn', dtype: 'f32' },
  ],
  layerNorm: [
    { name: 'x', dtype: 'f32' },
    { name: 'weight', dtype: 'f32' },
    { name: 'bias', dtype: 'f32' },
  ],
  attention: [
    { name: 'qkv', dtype: 'f32' },
    { name: 'mask', dtype: 'i32', optional: true },
  ],
  gelu: [{ name: 'x', dtype: 'f32' }],
  tanh: [{ name: 'x', dtype: 'f32' }],
  add: [
    { name: 'a', dtype: 'f32' },
    { name: 'b', dtype: 'f32' },
  ],
  embedding: [
    { name: 'table', dtype: 'f32' },
    { name: 'ids', dtype: 'i32' },
  ],
  meanPool: [
    { name: 'x', dtype: 'f32' },
    { name: 'mask', dtype: 'i32', optional: true },
  ],
  softmax: [{ name: 'x', dtype: 'f32' }],
  topk: [{ name: 'x', dtype: 'f32' }],
};

export const OP_NAMES = Object.keys(OP_INPUTS) as OpName[];

/** Shape and dtype of one op output, inferred by the core before the backend runs. */
export interface OpOutputSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Nodes per tree for an FFF of the given depth. */
export function fffNodes(depth: number): number {
  return 2 ** (depth + 1) - 1;
}
