import { ReferenceBackend, serializeSafetensors } from '@ultrafastbert/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadModel,
  type ModelFiles,
  PipelineError,
  randomCheckpoint,
  type UltraFastBert,
} from '../src/index.js';

function filesFor(preset: 'tiny-fff' | 'tiny-cls', withConfig = true): ModelFiles {
  const c = randomCheckpoint(preset, 5);
  const files: ModelFiles = {
    'config.json': JSON.stringify(c.config),
    'model.safetensors': serializeSafetensors(c.tensors as Parameters<typeof serializeSafetensors>[0]),
    'tokenizer.json': JSON.stringify(c.tokenizer),
  };
  if (withConfig)
    files['tokenizer_config.json'] = JSON.stringify({ mask_token: '<mask>', pad_token: '<pad>' });
  return files;
}

describe('pipelines on a random checkpoint', () => {
  let m: UltraFastBert;
  beforeAll(async () => {
    m = await loadModel(filesFor('tiny-fff'), { backend: new ReferenceBackend() });
  });

  it('fillMask: top-k sorted by score, scores are probabilities, sequence has the token in place', async () => {
    const r = await m.fillMask('hello <mask> world', { topK: 4 });
    expect(r).toHaveLength(4);
    for (let i = 1; i < r.length; i++) expect(r[i - 1]!.score).toBeGreaterThanOrEqual(r[i]!.score);
    expect(r[0]!.score).toBeGreaterThan(0);
    expect(r[0]!.score).toBeLessThanOrEqual(1);
    expect(r[0]!.tokenId).toBe(m.tokenizer!.tokenToId(r[0]!.token));
    // The decoded sequence keeps the surrounding text.
    expect(r[0]!.sequence.startsWith('hello')).toBe(true);
  });

  it('fillMask scores agree with a full forward pass at the mask position', async () => {
    const tok = m.tokenizer!;
    const ids = Array.from(tok.encode('a <mask> b').inputIds);
    const pos = ids.indexOf(tok.tokenToId('<mask>')!);
    const full = await m.forward({
      inputIds: { dtype: 'i32', shape: [1, ids.length], data: Int32Array.from(ids) },
    });
    const logits = (await full.mlmLogits!.data()).slice(
      pos * m.config.vocabSize,
      (pos + 1) * m.config.vocabSize,
    );
    const max = Math.max(...logits);
    const z = logits.reduce((a, v) => a + Math.exp(v - max), 0);
    const best = logits.indexOf(max);
    const [top] = await m.fillMask('a <mask> b', { topK: 1 });
    expect(top!.tokenId).toBe(best);
    expect(top!.score).toBeCloseTo(1 / z, 5);
  });

  it('fillMaskAll gives one list per mask; fillMask insists on exactly one', async () => {
    expect(await m.fillMaskAll('<mask> and <mask>', { topK: 2 })).toHaveLength(2);
    await expect(m.fillMask('<mask> and <mask>')).rejects.toThrow(/expected one mask token, found 2/);
    await expect(m.fillMask('no mask')).rejects.toThrow(PipelineError);
  });

  it('featureExtraction: batch results equal single results; mean ignores padding', async () => {
    const texts = ['short', 'a much longer text with more tokens'];
    const batch = await m.featureExtraction(texts);
    const single = await m.featureExtraction(texts[0]!);
    expect(batch[0]!.shape).toEqual([m.config.hiddenSize]);
    for (let i = 0; i < single[0]!.data.length; i++)
      expect(batch[0]!.data[i]).toBeCloseTo(single[0]!.data[i]!, 5);
    const none = await m.featureExtraction(texts, { pooling: 'none' });
    expect(none[0]!.shape[0]).toBeLessThan(none[1]!.shape[0]!);
    const cls = await m.featureExtraction(texts, { pooling: 'cls', normalize: true });
    expect(Math.hypot(...cls[1]!.data)).toBeCloseTo(1, 5);
  });

  it('textClassification needs a classification checkpoint', async () => {
    await expect(m.textClassification('x')).rejects.toThrow(/needs a classification checkpoint/);
  });
});

describe('pipeline errors', () => {
  it('a tokenizer without a mask token is a clear error', async () => {
    const f = filesFor('tiny-fff', false);
    const tok = JSON.parse(f['tokenizer.json'] as string);
    tok.added_tokens = tok.added_tokens.filter((t: { content: string }) => t.content !== '<mask>');
    tok.model.vocab['[no-mask]'] = tok.model.vocab['<mask>'];
    delete tok.model.vocab['<mask>'];
    f['tokenizer.json'] = JSON.stringify(tok);
    const m = await loadModel(f, { backend: new ReferenceBackend() });
    await expect(m.fillMask('a <mask>')).rejects.toThrow(
      /defines none \(set mask_token in tokenizer_config.json\)/,
    );
    m.dispose();
  });
  it('a checkpoint without tokenizer.json cannot run pipelines', async () => {
    const f = filesFor('tiny-fff');
    delete f['tokenizer.json'];
    const m = await loadModel(f, { backend: new ReferenceBackend() });
    await expect(m.featureExtraction('x')).rejects.toThrow(/no tokenizer.json/);
    m.dispose();
  });
  it('textClassification labels every text from id2label', async () => {
    const m = await loadModel(filesFor('tiny-cls'), { backend: new ReferenceBackend() });
    const r = await m.textClassification(['one', 'two words']);
    expect(r.map((x) => x.label).every((l) => /^LABEL_[0-2]$/.test(l))).toBe(true);
    expect(r[0]!.score).toBeGreaterThan(1 / 3 - 1e-9);
    m.dispose();
  });
});
