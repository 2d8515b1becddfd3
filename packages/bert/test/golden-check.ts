import { type Backend, type Comparison, compareArrays, type SafetensorsFile } from '@ultrafastbert/tensor';
import { loadModel } from '../src/node.js';
import { type GoldenModelCase, TOL } from './golden.js';

export interface GoldenCheck {
  name: string;
  cmp: Comparison;
}

const i32 = (io: SafetensorsFile, name: string) => ({
  dtype: 'i32' as const,
  shape: io.entry(name).shape,
  data: io.int32(name),
});

/**
 * Run one golden model case on `backend` and compare every output the fixture holds
 * (masked and unmasked, heads, per-layer debug tensors, FFF paths exactly). Shared by the
 * reference backend's tests and every other backend's.
 */
export async function checkGoldenModel(c: GoldenModelCase, backend: Backend): Promise<GoldenCheck[]> {
  const { model, config } = await loadModel(c.dir, { backend });
  const io = c.io;
  const out: GoldenCheck[] = [];
  const check = async (
    name: string,
    t: { data(): Promise<ArrayLike<number>> } | undefined,
    tol: { abs?: number },
  ) => {
    if (!t) throw new Error(`${c.name}: model produced no output for '${name}'`);
    const want = name.endsWith('_paths') ? io.int32(name) : io.float32(name);
    out.push({ name, cmp: compareArrays(await t.data(), want, tol) });
  };
  try {
    const ids = i32(io, 'input_ids');
    const r = await model.forward({ inputIds: ids, attentionMask: i32(io, 'attention_mask'), debug: true });
    await check('encoder_hidden', r.hidden, TOL.hidden);
    await check('debug.embedding_out', r.debug!.embeddingOut, TOL.hidden);
    for (let i = 0; i < config.numLayers; i++) {
      await check(`debug.layer${i}_out`, r.debug!.layerOuts[i], TOL.hidden);
      if (config.ffn.type === 'fff') await check(`debug.layer${i}_fff_paths`, r.debug!.fffPaths[i], {});
    }
    if (config.head === 'mlm') await check('mlm_logits', r.mlmLogits, TOL.mlmLogits);
    else {
      await check('logits', r.logits, TOL.classifier);
      await check('pooled', r.pooled, TOL.classifier);
    }
    const n = await model.forward({ inputIds: ids });
    await check('nomask.encoder_hidden', n.hidden, TOL.hidden);
    if (config.head === 'mlm') await check('nomask.mlm_logits', n.mlmLogits, TOL.mlmLogits);
    else await check('nomask.logits', n.logits, TOL.classifier);

    if (config.head === 'classification') {
      // Each sequence alone, unpadded: differs from the padded logits because avg pooling counts padding.
      const [B, S] = ids.shape as [number, number];
      const mask = io.int32('attention_mask');
      const want = io.float32('logits_each_sequence_unpadded');
      const got: number[] = [];
      for (let b = 0; b < B; b++) {
        const len = mask.subarray(b * S, (b + 1) * S).reduce((a, m) => a + m, 0);
        const one = await model.forward({
          inputIds: { dtype: 'i32', shape: [1, len], data: ids.data.slice(b * S, b * S + len) },
        });
        got.push(...(await one.logits!.data()));
      }
      out.push({ name: 'logits_each_sequence_unpadded', cmp: compareArrays(got, want, TOL.classifier) });
    }
  } finally {
    model.dispose();
  }
  return out;
}
