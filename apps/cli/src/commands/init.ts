import { createRandomCheckpoint, PRESETS, type PresetName } from '@ultrafastbert/bert';
import { type Command, intOption, required, UsageError } from '../command.js';

export const init: Command = {
  name: 'init',
  summary:
    'Write a checkpoint with random weights in the released file layout (config, safetensors, tokenizer)',
  usage: `Usage: ultrafastbert init --config NAME --out DIR [--seed N]

  --config NAME    ${Object.keys(PRESETS).join(' | ')}
  --out DIR        directory to write config.json, model.safetensors, tokenizer.json, tokenizer_config.json
  --seed N         random seed (default 0); the same seed writes the same weights

The tokenizer is synthetic (characters and fillers): enough to run every pipeline, not a trained vocabulary.`,
  options: { config: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } },
  async run({ values }, io) {
    const name = required(values, 'config');
    if (!(name in PRESETS))
      throw new UsageError(`unknown --config '${name}' (known: ${Object.keys(PRESETS).join(', ')})`);
    const out = required(values, 'out');
    await createRandomCheckpoint(name as PresetName, out, { seed: intOption(values, 'seed', 0) });
    io.stderr(`wrote a random '${name}' checkpoint to ${out}\n`);
  },
};
