import type { Tolerance } from '../compare.js';
import type { HostTensor } from '../dtype.js';
import { fffNodes, type OpAttrs, type OpName } from '../ops/catalogue.js';
import { createRng, type Rng, randomNormal } from '../random.js';
import type { Shape } from '../shape.js';
import { sizeOf } from '../shape.js';

/** One op invocation with host inputs, checked on a backend against the reference backend. */
export interface OpCase<K extends OpName = OpName> {
  name: string;
  op: K;
  inputs: Record<string, HostTensor>;
  attrs: OpAttrs[K];
  /** Tolerance for f32 outputs; i32 outputs (paths, indices) are always compared exactly. */
  tolerance: Tolerance;
  /** If set, the op must reject with an error of this `code` instead of producing outputs. */
  expectErrorCode?: string;
}

const f32 = (shape: Shape, data: Float32Array): HostTensor<'f32'> => ({ dtype: 'f32', shape, data });
const i32 = (shape: Shape, data: ArrayLike<number>): HostTensor<'i32'> => ({
  dtype: 'i32',
  shape,
  data: Int32Array.from(data),
});
const rand = (rng: Rng, shape: Shape, std = 1) => f32(shape, randomNormal(rng, sizeOf(shape), std));

const TOL: Tolerance = { abs: 1e-5, rel: 1e-5 };

function fffWeights(rng: Rng, inW: number, outW: number, depth: number, trees: number) {
  const rows = trees * fffNodes(depth);
  return {
    wIn: rand(rng, [rows, inW], 1.5 / Math.sqrt(inW)),
    bIn: rand(rng, [rows], 0.5),
    wOut: rand(rng, [rows, outW], 0.6 / Math.sqrt(depth + 1)),
  };
}

function fffCases(): OpCase[] {
  const rng = createRng(11);
  const out: OpCase[] = [];
  const shapes: Array<[string, number, number, number, number, Shape]> = [
    ['depth0 single node', 8, 8, 0, 1, [5, 8]],
    ['depth3 one row', 16, 16, 3, 1, [1, 16]],
    ['depth3 odd width', 13, 13, 3, 1, [9, 13]],
    ['depth4 K=3 rectangular 96->48', 96, 48, 4, 3, [14, 96]],
    ['depth5 K=2 rank-3 input', 24, 24, 5, 2, [3, 4, 24]],
    ['depth11 (UltraFastBERT 1x11 tree)', 32, 32, 11, 1, [37, 32]],
  ];
  for (const [label, inW, outW, depth, trees, xs] of shapes) {
    const w = fffWeights(rng, inW, outW, depth, trees);
    const x = rand(rng, xs);
    out.push({
      name: `fff ${label}`,
      op: 'fff',
      inputs: { x, ...w },
      attrs: { depth, trees },
      tolerance: TOL,
    });
    out.push({
      name: `fffRoute ${label}`,
      op: 'fffRoute',
      inputs: { x, wIn: w.wIn, bIn: w.bIn },
      attrs: { depth, trees },
      tolerance: {},
    });
  }
  // Routing logits at exactly 0 must go LEFT: zero input and zero biases make every logit +0,
  // and an input of -0 makes them -0; power-of-two inputs with matching biases make exact zeros inside.
  const depth = 4;
  const trees = 2;
  const inW = 6;
  const w = fffWeights(rng, inW, 5, depth, trees);
  w.bIn.data.fill(0);
  const xz = f32([3, inW], new Float32Array(3 * inW));
  xz.data[inW] = -0;
  xz.data[2 * inW + 2] = 0.5; // row 2: x = 0.5·e2; nodes with W[n,2] = 0 would be 0 — force one:
  w.wIn.data[2] = 0; // root of tree 0 has W[0,2] = 0, so its logit is exactly 0 on row 2
  for (const op of ['fff', 'fffRoute'] as const) {
    out.push({
      name: `${op} exact-zero logits go left`,
      op,
      inputs: op === 'fff' ? { x: xz, ...w } : { x: xz, wIn: w.wIn, bIn: w.bIn },
      attrs: { depth, trees },
      tolerance: op === 'fff' ? TOL : {},
    });
  }
  return out;
}

/** Build every conformance case. Deterministic: the same cases on every call and machine. */
export function conformanceCases(): OpCase[] {
  const rng = createRng(7);
  const cases: OpCase[] = [];
  const add = <K extends OpName>(c: OpCase<K>) => cases.push(c as unknown as OpCase);

  for (const [label, xs, outW, bias, activation] of [
    ['1 row', [1, 8], 4, false, 'none'],
    ['odd widths + bias', [7, 13], 5, true, 'none'],
    ['rank-3 + gelu', [2, 3, 16], 9, true, 'gelu'],
    ['tanh', [4, 10], 3, true, 'tanh'],
    ['wide 33x96->65', [33, 96], 65, false, 'none'],
  ] as const) {
    const inW = xs[xs.length - 1]!;
    const inputs: Record<string, HostTensor> = { x: rand(rng, xs), weight: rand(rng, [outW, inW], 0.3) };
    if (bias) inputs.bias = rand(rng, [outW]);
    add({ name: `linear ${label}`, op: 'linear', inputs, attrs: { activation }, tolerance: TOL });
  }

  cases.push(...fffCases());

  for (const [label, xs, eps] of [
    ['1 row', [1, 5], 1e-12],
    ['odd width', [6, 33], 1e-12],
    ['eps 1e-5, offset input', [3, 2, 8], 1e-5],
  ] as const) {
    const h = xs[xs.length - 1]!;
    const x = rand(rng, xs, 3);
    for (let i = 0; i < x.data.length; i++) x.data[i]! += 10;
    add({
      name: `layerNorm ${label}`,
      op: 'layerNorm',
      inputs: { x, weight: rand(rng, [h]), bias: rand(rng, [h]) },
      attrs: { eps },
      tolerance: { abs: 2e-5, rel: 1e-5 },
    });
  }

  for (const [label, B, S, heads, hd, masked] of [
    ['B2 S5 2 heads masked', 2, 5, 2, 3, true],
    ['B1 S1', 1, 1, 1, 4, false],
    ['B3 S7 4 heads unmasked', 3, 7, 4, 8, false],
    ['B2 S9 3 heads masked', 2, 9, 3, 5, true],
    // BERT-sized heads: the widest vector blocks of a SIMD kernel, and an odd row count
    ['B2 S33 2 heads of 64 masked', 2, 33, 2, 64, true],
  ] as const) {
    const H = heads * hd;
    const inputs: Record<string, HostTensor> = { qkv: rand(rng, [B, S, 3 * H]) };
    if (masked) {
      const m = new Int32Array(B * S).fill(1);
      for (let b = 0; b < B; b++) for (let s = S - b * 2; s < S; s++) if (s > 0) m[b * S + s] = 0;
      inputs.mask = i32([B, S], m);
    }
    add({
      name: `attention ${label}`,
      op: 'attention',
      inputs,
      attrs: { heads, scale: 1 / Math.sqrt(hd) },
      tolerance: TOL,
    });
  }

  const special = Float32Array.from([
    0, -0, 1e-8, -1e-8, 0.5, -0.5, 3, -3, 5.5, -5.5, 10, -10, 40, -40, 300, -300,
  ]);
  add({
    name: 'gelu special values',
    op: 'gelu',
    inputs: { x: f32([special.length], special) },
    attrs: {},
    tolerance: TOL,
  });
  add({ name: 'gelu random', op: 'gelu', inputs: { x: rand(rng, [7, 31], 4) }, attrs: {}, tolerance: TOL });
  add({ name: 'tanh random', op: 'tanh', inputs: { x: rand(rng, [3, 17], 3) }, attrs: {}, tolerance: TOL });

  add({
    name: 'add same shape',
    op: 'add',
    inputs: { a: rand(rng, [4, 5]), b: rand(rng, [4, 5]) },
    attrs: {},
    tolerance: TOL,
  });
  add({
    name: 'add broadcast trailing',
    op: 'add',
    inputs: { a: rand(rng, [2, 3, 5]), b: rand(rng, [3, 5]) },
    attrs: {},
    tolerance: TOL,
  });

  const table = rand(rng, [11, 6]);
  add({
    name: 'embedding edge ids',
    op: 'embedding',
    inputs: { table, ids: i32([2, 3], [0, 10, 5, 10, 0, 1]) },
    attrs: {},
    tolerance: {},
  });
  add({
    name: 'embedding rejects id == V',
    op: 'embedding',
    inputs: { table, ids: i32([3], [1, 11, 2]) },
    attrs: {},
    tolerance: {},
    expectErrorCode: 'E_INDEX_RANGE',
  });
  add({
    name: 'embedding rejects negative id',
    op: 'embedding',
    inputs: { table, ids: i32([1], [-1]) },
    attrs: {},
    tolerance: {},
    expectErrorCode: 'E_INDEX_RANGE',
  });

  add({
    name: 'meanPool no mask',
    op: 'meanPool',
    inputs: { x: rand(rng, [3, 4, 7]) },
    attrs: {},
    tolerance: TOL,
  });
  add({
    name: 'meanPool masked, one row fully masked',
    op: 'meanPool',
    inputs: { x: rand(rng, [3, 4, 7]), mask: i32([3, 4], [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]) },
    attrs: {},
    tolerance: TOL,
  });

  const big = rand(rng, [3, 10], 30);
  add({
    name: 'softmax large logits',
    op: 'softmax',
    inputs: { x: big },
    attrs: {},
    tolerance: { abs: 1e-6, rel: 1e-5 },
  });
  add({
    name: 'softmax one column',
    op: 'softmax',
    inputs: { x: rand(rng, [4, 1]) },
    attrs: {},
    tolerance: TOL,
  });

  const ties = f32([2, 6], Float32Array.from([1, 3, 3, 2, 3, 0, -1, -1, -1, -1, -1, -1]));
  add({
    name: 'topk ties keep lower index',
    op: 'topk',
    inputs: { x: ties },
    attrs: { k: 4 },
    tolerance: {},
  });
  add({ name: 'topk k=1', op: 'topk', inputs: { x: rand(rng, [5, 40]) }, attrs: { k: 1 }, tolerance: {} });
  add({ name: 'topk k=n', op: 'topk', inputs: { x: rand(rng, [1, 9]) }, attrs: { k: 9 }, tolerance: {} });
  return cases;
}
