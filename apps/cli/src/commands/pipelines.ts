import { loadModel, type UltraFastBert } from '@ultrafastbert/bert';
import { BACKEND_USAGE, backendOption, selectBackend } from '../backend.js';
import { type Command, intOption, required, UsageError } from '../command.js';

const common = { model: { type: 'string' }, json: { type: 'boolean' }, ...backendOption } as const;
const COMMON_USAGE = `  --model DIR      checkpoint directory (config.json, model.safetensors, tokenizer.json)
  --json           print JSON instead of a table
${BACKEND_USAGE}`;

async function withModel(
  values: Record<string, unknown>,
  f: (m: UltraFastBert) => Promise<void>,
): Promise<void> {
  const m = await loadModel(required(values, 'model'), { backend: await selectBackend(values.backend) });
  try {
    await f(m);
  } finally {
    m.dispose();
  }
}

function texts(positionals: string[]): string[] {
  if (positionals.length === 0) throw new UsageError('give at least one TEXT argument');
  return positionals;
}

export const fillMask: Command = {
  name: 'fill-mask',
  summary: "Predict the checkpoint's mask token in a text",
  usage: `Usage: ultrafastbert fill-mask --model DIR [--top-k N] [--json] [--backend NAME] TEXT

  TEXT             text with exactly one mask token (the tokenizer's, e.g. [MASK] or <mask>)
  --top-k N        number of predictions (default 5)
${COMMON_USAGE}`,
  options: { ...common, 'top-k': { type: 'string' } },
  positionals: true,
  async run({ values, positionals }, io) {
    const [text, ...rest] = texts(positionals);
    if (rest.length) throw new UsageError('fill-mask takes one TEXT');
    await withModel(values, async (m) => {
      const r = await m.fillMask(text!, { topK: intOption(values, 'top-k', 5) });
      if (values.json) io.stdout(`${JSON.stringify(r)}\n`);
      else for (const p of r) io.stdout(`${p.score.toFixed(4)}  ${p.token.padEnd(16)} ${p.sequence}\n`);
    });
  },
};

export const embed: Command = {
  name: 'embed',
  summary: 'Sentence embeddings (feature extraction) for one or more texts',
  usage: `Usage: ultrafastbert embed --model DIR [--pooling mean|cls] [--normalize] [--json] [--backend NAME] TEXT...

  --pooling P      mean over real tokens (default) or cls (first position)
  --normalize      L2-normalise each vector
${COMMON_USAGE}`,
  options: { ...common, pooling: { type: 'string' }, normalize: { type: 'boolean' } },
  positionals: true,
  async run({ values, positionals }, io) {
    const list = texts(positionals);
    const pooling = (values.pooling ?? 'mean') as string;
    if (pooling !== 'mean' && pooling !== 'cls')
      throw new UsageError(`--pooling must be mean or cls, got '${pooling}'`);
    await withModel(values, async (m) => {
      const vecs = await m.featureExtraction(list, { pooling, normalize: values.normalize === true });
      if (values.json) io.stdout(`${JSON.stringify(vecs.map((v) => Array.from(v.data)))}\n`);
      else
        vecs.forEach((v, i) => {
          const head = Array.from(v.data.subarray(0, 4), (x) => x.toFixed(4)).join(', ');
          io.stdout(`${list[i]}\t[${head}, ...] (${v.data.length} dims)\n`);
        });
    });
  },
};

export const classify: Command = {
  name: 'classify',
  summary: 'Text classification with a classification checkpoint',
  usage: `Usage: ultrafastbert classify --model DIR [--json] [--backend NAME] TEXT...

${COMMON_USAGE}`,
  options: common,
  positionals: true,
  async run({ values, positionals }, io) {
    const list = texts(positionals);
    await withModel(values, async (m) => {
      const r = await m.textClassification(list);
      if (values.json) io.stdout(`${JSON.stringify(r)}\n`);
      else
        r.forEach((c, i) => {
          io.stdout(`${c.label}\t${c.score.toFixed(4)}\t${list[i]}\n`);
        });
    });
  },
};
