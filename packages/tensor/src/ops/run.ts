import type { Backend, StorageView } from '../backend.js';
import type { DType } from '../dtype.js';
import { BackendMismatchError, ShapeError, UnsupportedOpError } from '../errors.js';
import type { Shape } from '../shape.js';
import { StorageRef, Tensor } from '../tensor.js';
import { type Activation, OP_INPUTS, type OpAttrs, type OpName } from './catalogue.js';
import { inferOutputs } from './infer.js';

export type OpInputs = Readonly<Record<string, Tensor | undefined>>;

/**
 * Validate and run one catalogue op. Every input must be alive and live on one backend;
 * the backend must `supports()` the op; shapes are checked by `inferOutputs`.
 * Inputs are retained while the op runs, so disposing them meanwhile is safe.
 */
export async function runOp<K extends OpName>(op: K, inputs: OpInputs, attrs: OpAttrs[K]): Promise<Tensor[]> {
  const specs = OP_INPUTS[op];
  let backend: Backend | undefined;
  const shapes: Record<string, Shape | undefined> = {};
  const views: Record<string, StorageView | undefined> = {};
  const held: StorageRef[] = [];
  for (const spec of specs) {
    const t = inputs[spec.name];
    if (t === undefined) {
      if (!spec.optional) throw new ShapeError(`${op}: missing input '${spec.name}'`);
      continue;
    }
    if (!(t instanceof Tensor)) throw new ShapeError(`${op}: input '${spec.name}' is not a Tensor`);
    t.assertAlive(`${op} input '${spec.name}'`);
    if (t.dtype !== spec.dtype)
      throw new ShapeError(`${op}: '${spec.name}' must be ${spec.dtype}, got ${t.dtype}`);
    if (backend && t.backend !== backend) {
      throw new BackendMismatchError(
        `${op}: input '${spec.name}' lives on backend '${t.backend.name}', others on '${backend.name}'`,
      );
    }
    backend = t.backend;
    shapes[spec.name] = t.shape;
    views[spec.name] = { storage: t.ref.storage, shape: t.shape, dtype: t.dtype };
  }
  for (const name of Object.keys(inputs)) {
    if (!specs.some((s) => s.name === name)) throw new ShapeError(`${op}: unexpected input '${name}'`);
  }
  if (!backend) throw new ShapeError(`${op}: no inputs`);
  const dtype = specs[0]!.dtype;
  if (!backend.supports(op, dtype)) {
    throw new UnsupportedOpError(`backend '${backend.name}' does not support op '${op}' for ${dtype}`);
  }
  const outputs = inferOutputs(op, shapes, attrs);
  for (const spec of specs) {
    const t = inputs[spec.name];
    if (t) {
      t.ref.retain();
      held.push(t.ref);
    }
  }
  try {
    const storages = await backend.run(op, views, attrs, outputs);
    const b = backend;
    return storages.map((st, i) => new Tensor(new StorageRef(b, st), outputs[i]!.shape, outputs[i]!.dtype));
  } finally {
    for (const r of held) r.release();
  }
}

/** Run a single-output op; the output dtype is f32 unless stated (fffRoute gives i32). */
async function one<K extends OpName, D extends DType = 'f32'>(
  op: K,
  inputs: OpInputs,
  attrs: OpAttrs[K],
): Promise<Tensor<D>> {
  const [out] = await runOp(op, inputs, attrs);
  return out as Tensor<D>;
}

/** Typed entry points to the catalogue. Each returns new tensors the caller must dispose. */
export const ops = {
  linear: (x: Tensor, weight: Tensor, opts: { bias?: Tensor; activation?: Activation } = {}) =>
    one('linear', { x, weight, bias: opts.bias }, { activation: opts.activation ?? 'none' }),
  fff: (x: Tensor, w: { wIn: Tensor; bIn: Tensor; wOut: Tensor }, attrs: { depth: number; trees: number }) =>
    one('fff', { x, wIn: w.wIn, bIn: w.bIn, wOut: w.wOut }, attrs),
  fffRoute: (x: Tensor, w: { wIn: Tensor; bIn: Tensor }, attrs: { depth: number; trees: number }) =>
    one<'fffRoute', 'i32'>('fffRoute', { x, wIn: w.wIn, bIn: w.bIn }, attrs),
  layerNorm: (x: Tensor, weight: Tensor, bias: Tensor, eps: number) =>
    one('layerNorm', { x, weight, bias }, { eps }),
  attention: (qkv: Tensor, opts: { heads: number; scale: number; mask?: Tensor }) =>
    one('attention', { qkv, mask: opts.mask }, { heads: opts.heads, scale: opts.scale }),
  gelu: (x: Tensor) => one('gelu', { x }, {}),
  tanh: (x: Tensor) => one('tanh', { x }, {}),
  add: (a: Tensor, b: Tensor) => one('add', { a, b }, {}),
  embedding: (table: Tensor, ids: Tensor) => one('embedding', { table, ids }, {}),
  meanPool: (x: Tensor, mask?: Tensor) => one('meanPool', { x, mask }, {}),
  softmax: (x: Tensor) => one('softmax', { x }, {}),
  topk: async (x: Tensor, k: number) => {
    const [values, indices] = await runOp('topk', { x }, { k });
    return { values: values as Tensor<'f32'>, indices: indices as Tensor<'i32'> };
  },
};
