// ONNX graphs for the onnxruntime-node baselines of bench/cpu.bench.mjs, written with onnx-proto.
// Weights are constant initializers, so onnxruntime pre-packs them (the fair comparison with our
// pre-packed SGEMM). Opset 17 (LayerNormalization is a standard op there).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto');

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

const valueInfo = (name, dims) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });

const floatInit = (name, dims, data) =>
  onnx.TensorProto.create({
    name,
    dataType: FLOAT,
    dims,
    rawData: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  });

const int64Init = (name, values) =>
  onnx.TensorProto.create({
    name,
    dataType: INT64,
    dims: [values.length],
    rawData: Buffer.from(BigInt64Array.from(values.map(BigInt)).buffer),
  });

const node = (opType, input, output, attrs = {}) =>
  onnx.NodeProto.create({
    opType,
    input,
    output,
    attribute: Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v))
        return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
      if (Number.isInteger(v) && name !== 'epsilon')
        return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
      return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });
    }),
  });

function encode(graph) {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'ultrafastbert-bench',
    graph: onnx.GraphProto.create(graph),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Uniform(-a, a) weights from a tiny LCG: fast, and the values do not matter for timing. */
export function randomWeights(size, scale, seed = 1) {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

/** Y[M, N] = X[M, K] · W[K, N]. */
export function matmulModel(K, N, W) {
  return encode({
    name: 'matmul',
    node: [node('MatMul', ['X', 'W'], ['Y'])],
    initializer: [floatInit('W', [K, N], W)],
    input: [valueInfo('X', ['M', K])],
    output: [valueInfo('Y', ['M', N])],
  });
}

/** Exact-erf GELU as standard ONNX ops (onnxruntime fuses this pattern into its Gelu kernel). */
function geluNodes(x, y, p) {
  return [
    node('Div', [x, 'sqrt2'], [`${p}_d`]),
    node('Erf', [`${p}_d`], [`${p}_e`]),
    node('Add', [`${p}_e`, 'one'], [`${p}_a`]),
    node('Mul', [x, `${p}_a`], [`${p}_m`]),
    node('Mul', [`${p}_m`, 'half'], [y]),
  ];
}

const scalars = () => [
  floatInit('sqrt2', [], Float32Array.of(Math.SQRT2)),
  floatInit('one', [], Float32Array.of(1)),
  floatInit('half', [], Float32Array.of(0.5)),
];

/** Dense FF: Y = GELU(X · W1) · W2, X [M, H], W1 [H, I], W2 [I, H] (no biases, as in crammedBERT). */
export function denseFFModel(H, I, W1, W2) {
  return encode({
    name: 'dense_ff',
    node: [
      node('MatMul', ['X', 'W1'], ['h']),
      ...geluNodes('h', 'g', 'gelu'),
      node('MatMul', ['g', 'W2'], ['Y']),
    ],
    initializer: [floatInit('W1', [H, I], W1), floatInit('W2', [I, H], W2), ...scalars()],
    input: [valueInfo('X', ['M', H])],
    output: [valueInfo('Y', ['M', H])],
  });
}

/**
 * A BERT-base-shaped encoder (default 12 layers, hidden 768, 12 heads, FF 3072), pre-LN, with biases:
 * per layer LayerNorm, QKV MatMul+Add, reshape/transpose to heads, Q·Kᵀ, scale, additive key mask,
 * Softmax, ·V, output projection, residual, LayerNorm, FF 768→3072 GELU(erf) →768, residual.
 * Inputs: X [B, S, H] (embeddings), MASK [B, 1, 1, S] additive (0 or -10000). Output Y [B, S, H].
 */
export function bertEncoderModel({
  layers = 12,
  hidden = 768,
  heads = 12,
  intermediate = 3072,
  seed = 7,
} = {}) {
  const H = hidden;
  const hd = H / heads;
  const nodes = [];
  const inits = [
    ...scalars(),
    floatInit('scale', [], Float32Array.of(1 / Math.sqrt(hd))),
    int64Init('split3', [H, H, H]),
    int64Init('heads_shape', [0, 0, heads, hd]),
    int64Init('merge_shape', [0, 0, H]),
  ];
  const w = (name, dims, scale) => {
    inits.push(
      floatInit(
        name,
        dims,
        randomWeights(
          dims.reduce((a, b) => a * b, 1),
          scale,
          seed + inits.length,
        ),
      ),
    );
    return name;
  };
  const ones = (name, n) => {
    inits.push(floatInit(name, [n], new Float32Array(n).fill(1)));
    return name;
  };
  const zeros = (name, n) => {
    inits.push(floatInit(name, [n], new Float32Array(n)));
    return name;
  };
  let h = 'X';
  for (let l = 0; l < layers; l++) {
    const p = `l${l}`;
    nodes.push(
      node('LayerNormalization', [h, ones(`${p}_ln1_g`, H), zeros(`${p}_ln1_b`, H)], [`${p}_ln1`], {
        axis: -1,
        epsilon: 1e-12,
      }),
      node('MatMul', [`${p}_ln1`, w(`${p}_wqkv`, [H, 3 * H], 1 / Math.sqrt(H))], [`${p}_qkv0`]),
      node('Add', [`${p}_qkv0`, zeros(`${p}_bqkv`, 3 * H)], [`${p}_qkv`]),
      node('Split', [`${p}_qkv`, 'split3'], [`${p}_q`, `${p}_k`, `${p}_v`], { axis: 2 }),
      node('Reshape', [`${p}_q`, 'heads_shape'], [`${p}_qh0`]),
      node('Transpose', [`${p}_qh0`], [`${p}_qh`], { perm: [0, 2, 1, 3] }),
      node('Reshape', [`${p}_k`, 'heads_shape'], [`${p}_kh0`]),
      node('Transpose', [`${p}_kh0`], [`${p}_kt`], { perm: [0, 2, 3, 1] }),
      node('Reshape', [`${p}_v`, 'heads_shape'], [`${p}_vh0`]),
      node('Transpose', [`${p}_vh0`], [`${p}_vh`], { perm: [0, 2, 1, 3] }),
      node('MatMul', [`${p}_qh`, `${p}_kt`], [`${p}_s0`]),
      node('Mul', [`${p}_s0`, 'scale'], [`${p}_s1`]),
      node('Add', [`${p}_s1`, 'MASK'], [`${p}_s2`]),
      node('Softmax', [`${p}_s2`], [`${p}_p`], { axis: -1 }),
      node('MatMul', [`${p}_p`, `${p}_vh`], [`${p}_c0`]),
      node('Transpose', [`${p}_c0`], [`${p}_c1`], { perm: [0, 2, 1, 3] }),
      node('Reshape', [`${p}_c1`, 'merge_shape'], [`${p}_c`]),
      node('MatMul', [`${p}_c`, w(`${p}_wo`, [H, H], 0.6 / Math.sqrt(H))], [`${p}_o0`]),
      node('Add', [`${p}_o0`, zeros(`${p}_bo`, H)], [`${p}_o`]),
      node('Add', [h, `${p}_o`], [`${p}_h1`]),
      node('LayerNormalization', [`${p}_h1`, ones(`${p}_ln2_g`, H), zeros(`${p}_ln2_b`, H)], [`${p}_ln2`], {
        axis: -1,
        epsilon: 1e-12,
      }),
      node('MatMul', [`${p}_ln2`, w(`${p}_w1`, [H, intermediate], 1.5 / Math.sqrt(H))], [`${p}_f0`]),
      node('Add', [`${p}_f0`, zeros(`${p}_b1`, intermediate)], [`${p}_f1`]),
      ...geluNodes(`${p}_f1`, `${p}_f2`, `${p}_gelu`),
      node(
        'MatMul',
        [`${p}_f2`, w(`${p}_w2`, [intermediate, H], 0.6 / Math.sqrt(intermediate))],
        [`${p}_f3`],
      ),
      node('Add', [`${p}_f3`, zeros(`${p}_b2`, H)], [`${p}_f4`]),
      node('Add', [`${p}_h1`, `${p}_f4`], [`${p}_h2`]),
    );
    h = `${p}_h2`;
  }
  nodes.push(node('Identity', [h], ['Y']));
  return encode({
    name: 'bert_base_encoder',
    node: nodes,
    initializer: inits,
    input: [valueInfo('X', ['B', 'S', H]), valueInfo('MASK', ['B', 1, 1, 'S'])],
    output: [valueInfo('Y', ['B', 'S', H])],
  });
}
