import { loadModel } from '@ultrafastbert/bert';
import { type HostTensor, SafetensorsError, type SafetensorsTensorInput } from '@ultrafastbert/tensor';
import { readSafetensorsFile, writeSafetensorsFile } from '@ultrafastbert/tensor/node';
import { BACKEND_USAGE, backendOption, selectBackend } from '../backend.js';
import { type Command, required } from '../command.js';

const f32 = async (t: {
  shape: readonly number[];
  data(): Promise<Float32Array | Int32Array>;
}): Promise<SafetensorsTensorInput> => ({
  dtype: 'F32',
  shape: t.shape,
  data: (await t.data()) as Float32Array,
});

export const forward: Command = {
  name: 'forward',
  summary: 'Run a checkpoint on token ids from a safetensors file; write hidden states and logits',
  usage: `Usage: ultrafastbert forward --model DIR --input IN.safetensors --output OUT.safetensors [--backend NAME]

  --model DIR      checkpoint directory (config.json, model.safetensors)
  --input FILE     safetensors with input_ids (I64 or I32, [B, S]) and optional attention_mask
  --output FILE    written: encoder_hidden F32 [B, S, H], and mlm_logits [B*S, V] (MLM checkpoints)
                   or logits [B, num_labels] (classification checkpoints)
${BACKEND_USAGE}`,
  options: {
    model: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    ...backendOption,
  },
  async run({ values }, io) {
    const [dir, input, output] = [
      required(values, 'model'),
      required(values, 'input'),
      required(values, 'output'),
    ];
    const backend = await selectBackend(values.backend);
    const file = await readSafetensorsFile(input);
    const ids = (name: string): HostTensor<'i32'> => {
      const e = file.entry(name);
      if (e.shape.length !== 2)
        throw new SafetensorsError(`${input}: '${name}' must be [batch, seq], got [${e.shape.join(', ')}]`);
      return { dtype: 'i32', shape: e.shape, data: file.int32(name) };
    };
    const m = await loadModel(dir, { backend, tokenizer: false });
    try {
      const r = await m.forward({
        inputIds: ids('input_ids'),
        attentionMask: file.has('attention_mask') ? ids('attention_mask') : undefined,
      });
      const out: Record<string, SafetensorsTensorInput> = { encoder_hidden: await f32(r.hidden) };
      if (r.mlmLogits) out.mlm_logits = await f32(r.mlmLogits);
      if (r.logits) out.logits = await f32(r.logits);
      await writeSafetensorsFile(output, out);
      io.stderr(`wrote ${Object.keys(out).join(', ')} to ${output} (backend ${backend.name})\n`);
    } finally {
      m.dispose();
    }
  },
};
