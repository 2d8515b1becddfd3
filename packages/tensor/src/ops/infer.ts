import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape, type Shape, shapesEqual } from '../shape.js';
import { fffNodes, type OpAttrs, type OpName, type OpOutputSpec } from './catalogue.js';

type Shapes = Readonly<Record<string, Shape | undefined>>;

function fail(op: string, msg: string): never {
  throw new ShapeError(`${op}: ${msg}`);
}

function need(op: string, name: string, s: Shape | undefined, rank?: number, minRank?: number): Shape {
  if (!s) fail(op, `missing input '${name}'`);
  if (rank !== undefined && s.length !== rank)
    fail(op, `'${name}' must have rank ${rank}, got ${formatShape(s)}`);
  if (minRank !== undefined && s.length < minRank)
    fail(op, `'${name}' must have rank >= ${minRank}, got ${formatShape(s)}`);
  return s;
}

function last(s: Shape): number {
  return s[s.length - 1]!;
}

function positiveInt(op: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new InvalidArgumentError(
      `${op}: attribute '${name}' must be an integer >= ${min}, got ${String(v)}`,
    );
  }
  return v;
}

function checkFFF(op: string, s: Shapes, attrs: { depth: number; trees: number }, withOut: boolean) {
  const depth = positiveInt(op, 'depth', attrs.depth, 0);
  if (depth > 30) throw new InvalidArgumentError(`${op}: depth ${depth} is too large (max 30)`);
  const trees = positiveInt(op, 'trees', attrs.trees);
  const x = need(op, 'x', s.x, undefined, 1);
  const wIn = need(op, 'wIn', s.wIn, 2);
  const bIn = need(op, 'bIn', s.bIn, 1);
  const rowsW = trees * fffNodes(depth);
  if (wIn[0] !== rowsW)
    fail(
      op,
      `'wIn' must have ${trees}*${fffNodes(depth)} = ${rowsW} rows for depth ${depth}, got ${formatShape(wIn)}`,
    );
  if (wIn[1] !== last(x)) fail(op, `'wIn' ${formatShape(wIn)} does not match input width ${last(x)}`);
  if (bIn[0] !== rowsW) fail(op, `'bIn' must be [${rowsW}], got ${formatShape(bIn)}`);
  let out = 0;
  if (withOut) {
    const wOut = need(op, 'wOut', s.wOut, 2);
    if (wOut[0] !== rowsW)
      fail(
        op,
        `'wOut' must be node-major [${rowsW}, out], got ${formatShape(wOut)} (transpose linear_out.weight)`,
      );
    out = wOut[1]!;
  }
  return { x, depth, trees, out };
}

/**
 * Validate an op's input shapes and attributes and return its output specs.
 * Shared by every backend, so native code never sees an inconsistent call.
 */
export function inferOutputs<K extends OpName>(op: K, s: Shapes, attrs: OpAttrs[K]): OpOutputSpec[] {
  const a = attrs as Record<string, unknown>;
  switch (op) {
    case 'linear': {
      const x = need(op, 'x', s.x, undefined, 1);
      const w = need(op, 'weight', s.weight, 2);
      if (w[1] !== last(x))
        fail(op, `weight ${formatShape(w)} expects input width ${w[1]}, x is ${formatShape(x)}`);
      if (s.bias && !shapesEqual(s.bias, [w[0]!]))
        fail(op, `bias must be [${w[0]}], got ${formatShape(s.bias)}`);
      const act = a.activation ?? 'none';
      if (act !== 'none' && act !== 'gelu' && act !== 'tanh')
        throw new InvalidArgumentError(`${op}: unknown activation '${String(act)}'`);
      return [{ shape: [...x.slice(0, -1), w[0]!], dtype: 'f32' }];
    }
    case 'fff': {
      const { x, out } = checkFFF(op, s, a as { depth: number; trees: number }, true);
      return [{ shape: [...x.slice(0, -1), out], dtype: 'f32' }];
    }
    case 'fffRoute': {
      const { x, depth, trees } = checkFFF(op, s, a as { depth: number; trees: number }, false);
      const rows = x.slice(0, -1).reduce((p, d) => p * d, 1);
      return [{ shape: [rows, trees, depth + 1], dtype: 'i32' }];
    }
    case 'layerNorm': {
      const x = need(op, 'x', s.x, undefined, 1);
      for (const n of ['weight', 'bias']) {
        const p = need(op, n, s[n], 1);
        if (p[0] !== last(x)) fail(op, `'${n}' must be [${last(x)}], got ${formatShape(p)}`);
      }
      if (typeof a.eps !== 'number' || !(a.eps >= 0))
        throw new InvalidArgumentError(`${op}: eps must be >= 0`);
      return [{ shape: x, dtype: 'f32' }];
    }
    case 'attention': {
      const qkv = need(op, 'qkv', s.qkv, 3);
      const heads = positiveInt(op, 'heads', a.heads);
      if (last(qkv) % (3 * heads) !== 0)
        fail(op, `qkv width ${last(qkv)} is not divisible by 3*heads = ${3 * heads}`);
      if (s.mask && !shapesEqual(s.mask, qkv.slice(0, 2)))
        fail(op, `mask must be [${qkv[0]}, ${qkv[1]}], got ${formatShape(s.mask)}`);
      if (typeof a.scale !== 'number' || !Number.isFinite(a.scale))
        throw new InvalidArgumentError(`${op}: scale must be a finite number`);
      return [{ shape: [qkv[0]!, qkv[1]!, last(qkv) / 3], dtype: 'f32' }];
    }
    case 'gelu':
    case 'tanh':
    case 'softmax':
      return [{ shape: need(op, 'x', s.x), dtype: 'f32' }];
    case 'add': {
      const x = need(op, 'a', s.a);
      const b = need(op, 'b', s.b);
      if (b.length > x.length || !shapesEqual(x.slice(x.length - b.length), b))
        fail(op, `b ${formatShape(b)} must equal the trailing dims of a ${formatShape(x)}`);
      return [{ shape: x, dtype: 'f32' }];
    }
    case 'embedding': {
      const t = need(op, 'table', s.table, 2);
      const ids = need(op, 'ids', s.ids);
      return [{ shape: [...ids, t[1]!], dtype: 'f32' }];
    }
    case 'meanPool': {
      const x = need(op, 'x', s.x, 3);
      if (s.mask && !shapesEqual(s.mask, x.slice(0, 2)))
        fail(op, `mask must be [${x[0]}, ${x[1]}], got ${formatShape(s.mask)}`);
      return [{ shape: [x[0]!, x[2]!], dtype: 'f32' }];
    }
    case 'topk': {
      const x = need(op, 'x', s.x, undefined, 1);
      const k = positiveInt(op, 'k', a.k);
      if (k > last(x)) throw new InvalidArgumentError(`${op}: k = ${k} exceeds the last dim ${last(x)}`);
      const shape = [...x.slice(0, -1), k];
      return [
        { shape, dtype: 'f32' },
        { shape, dtype: 'i32' },
      ];
    }
    default:
      throw new InvalidArgumentError(`unknown op '${String(op)}'`);
  }
}
