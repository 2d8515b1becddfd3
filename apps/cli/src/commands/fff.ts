import { FFFLayer, fffKeys } from '@ultrafastbert/fff';
import { fromHost, SafetensorsError } from '@ultrafastbert/tensor';
import { readSafetensorsFile, writeSafetensorsFile } from '@ultrafastbert/tensor/node';
import { BACKEND_USAGE, backendOption, selectBackend } from '../backend.js';
import { type Command, intOption, required, UsageError } from '../command.js';

export const fff: Command = {
  name: 'fff',
  summary: 'Run one FFF layer (conditional matmul) on an input tensor; write y and the routing paths',
  usage: `Usage: ultrafastbert fff --weights W.safetensors --input X.safetensors --output Y.safetensors --depth D --parallel K [--backend NAME]

  --weights FILE   linear_in.weight [K*N, in], linear_in.bias [K*N], linear_out.weight [out, K*N] (N = 2^(D+1)-1)
  --input FILE     key 'x' of shape [..., in], any rank
  --output FILE    written: y [..., out] F32 and paths [rows, K, D+1] I64 (node index within its tree per level)
  --depth D        tree depth (D+1 nodes evaluated per row and tree)
  --parallel K     number of parallel trees
${BACKEND_USAGE}`,
  options: {
    weights: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    depth: { type: 'string' },
    parallel: { type: 'string' },
    ...backendOption,
  },
  async run({ values }, io) {
    const [wPath, xPath, out] = [
      required(values, 'weights'),
      required(values, 'input'),
      required(values, 'output'),
    ];
    const depth = intOption(values, 'depth');
    const trees = intOption(values, 'parallel');
    if (depth < 0 || depth > 30) throw new UsageError(`--depth must be in [0, 30], got ${depth}`);
    if (trees < 1) throw new UsageError(`--parallel must be >= 1, got ${trees}`);
    const backend = await selectBackend(values.backend);
    const [w, xf] = await Promise.all([readSafetensorsFile(wPath), readSafetensorsFile(xPath)]);
    const keys = fffKeys();
    const x = xf.entry('x');
    if (x.shape.length < 1) throw new SafetensorsError(`${xPath}: 'x' must have at least one dimension`);
    const inW = w.entry(keys.linearInWeight).shape[1];
    const outW = w.entry(keys.linearOutWeight).shape[0];
    if (inW === undefined || outW === undefined)
      throw new SafetensorsError(`${wPath}: linear_in.weight and linear_out.weight must be 2-D`);
    const layer = FFFLayer.fromWeights(
      { inputWidth: inW, outputWidth: outW, depth, trees },
      {
        linearInWeight: w.float32(keys.linearInWeight),
        linearInBias: w.float32(keys.linearInBias),
        linearOutWeight: w.float32(keys.linearOutWeight),
      },
      backend,
    );
    const xt = fromHost(backend, { dtype: 'f32', shape: x.shape, data: xf.float32('x') });
    try {
      const [y, paths] = await Promise.all([layer.forward(xt), layer.route(xt)]);
      const p = await paths.data();
      await writeSafetensorsFile(out, {
        y: { dtype: 'F32', shape: y.shape, data: (await y.data()) as Float32Array },
        paths: { dtype: 'I64', shape: paths.shape, data: BigInt64Array.from(p, (v) => BigInt(v)) },
      });
      y.dispose();
      paths.dispose();
      io.stderr(
        `wrote y [${y.shape.join(', ')}] and paths [${paths.shape.join(', ')}] to ${out} (backend ${backend.name})\n`,
      );
    } finally {
      xt.dispose();
      layer.dispose();
    }
  },
};
