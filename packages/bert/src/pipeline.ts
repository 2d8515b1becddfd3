import { type Backend, disposeAll, fromHost, type HostTensor, ops, type Tensor } from '@ultrafastbert/tensor';
import type { BertConfig } from './config.js';
import { PipelineError } from './errors.js';
import {
  type CheckpointReader,
  filesReader,
  type LoadOptions,
  loadFromReader,
  type ModelFiles,
} from './load.js';
import type { BertModel, ForwardInput, ForwardOutput } from './model.js';
import type { ModelTokenizer } from './tokenizer.js';

export interface FillMaskResult {
  token: string;
  tokenId: number;
  score: number;
  /** The input with this token in place of the mask, decoded without special tokens. */
  sequence: string;
}

export interface FeatureExtractionOptions {
  /** 'mean' over real tokens (default), 'cls' = first position, 'none' = every position. */
  pooling?: 'mean' | 'cls' | 'none';
  /** L2-normalise each pooled vector. */
  normalize?: boolean;
  batchSize?: number;
}

export interface ClassificationResult {
  label: string;
  score: number;
}

interface Batch {
  ids: HostTensor<'i32'>;
  mask: HostTensor<'i32'>;
  lengths: number[];
}

/**
 * A loaded checkpoint: the model, its tokenizer and the pipelines (cf. transformers.js `pipeline()`).
 * `const m = await loadModel(dir, { backend }); await m.fillMask('The capital of France is <mask>.')`
 */
export class UltraFastBert {
  private constructor(
    readonly model: BertModel,
    readonly tokenizer: ModelTokenizer | undefined,
  ) {}

  static async load(reader: CheckpointReader, options: LoadOptions): Promise<UltraFastBert> {
    const { model, tokenizer } = await loadFromReader(reader, options);
    return new UltraFastBert(model, tokenizer);
  }

  /** Load from a map of file names to contents or URLs (browsers). */
  static loadFiles(files: ModelFiles, options: LoadOptions): Promise<UltraFastBert> {
    return UltraFastBert.load(filesReader(files), options);
  }

  get config(): BertConfig {
    return this.model.config;
  }

  get backend(): Backend {
    return this.model.backend;
  }

  forward(input: ForwardInput): Promise<ForwardOutput> {
    return this.model.forward(input);
  }

  private requireTokenizer(what: string): ModelTokenizer {
    if (!this.tokenizer)
      throw new PipelineError(`${what} needs a tokenizer, but the checkpoint has no tokenizer.json`);
    return this.tokenizer;
  }

  /** Tokenize (truncating to max_seq_length) and pad to the longest text of each batch. */
  private tokenize(texts: readonly string[], what: string): { ids: number[][] } {
    const tok = this.requireTokenizer(what);
    const max = this.config.maxSeqLength;
    return { ids: texts.map((t) => Array.from(tok.encode(t, { truncation: { maxLength: max } }).inputIds)) };
  }

  private pad(rows: number[][]): Batch {
    const S = Math.max(1, ...rows.map((r) => r.length));
    const pad = this.tokenizer?.padTokenId ?? 0;
    const ids = new Int32Array(rows.length * S).fill(pad);
    const mask = new Int32Array(rows.length * S);
    rows.forEach((r, b) => {
      ids.set(r, b * S);
      mask.fill(1, b * S, b * S + r.length);
    });
    return {
      ids: { dtype: 'i32', shape: [rows.length, S], data: ids },
      mask: { dtype: 'i32', shape: [rows.length, S], data: mask },
      lengths: rows.map((r) => r.length),
    };
  }

  /** Predictions for every mask token in `text`, in order: one top-k list per mask. */
  async fillMaskAll(text: string, options: { topK?: number } = {}): Promise<FillMaskResult[][]> {
    const tok = this.requireTokenizer('fillMask');
    if (this.config.head !== 'mlm')
      throw new PipelineError('fillMask needs a model with an MLM head (ScriptableLMForPreTraining)');
    const maskToken = tok.maskToken;
    const maskId = maskToken === undefined ? undefined : tok.tokenToId(maskToken);
    if (maskToken === undefined || maskId === undefined)
      throw new PipelineError(
        'fillMask needs a mask token, but the tokenizer defines none (set mask_token in tokenizer_config.json)',
      );
    const [ids] = this.tokenize([text], 'fillMask').ids;
    const positions = ids!.flatMap((id, i) => (id === maskId ? [i] : []));
    if (positions.length === 0)
      throw new PipelineError(`fillMask: the text contains no mask token '${maskToken}'`);
    const topK = Math.min(options.topK ?? 5, this.config.vocabSize);
    const batch = this.pad([ids!]);
    const hidden = await this.model.encode(batch.ids, batch.mask);
    let logits: Tensor | undefined;
    let probs: Tensor | undefined;
    try {
      // The decoder (V×H, the biggest matmul) runs only at the mask positions.
      logits = await this.model.mlmLogitsAt(hidden, positions);
      probs = await ops.softmax(logits);
      const { values, indices } = await ops.topk(probs, topK);
      const [scores, tokIds] = await Promise.all([values.data(), indices.data()]);
      disposeAll(values, indices);
      return positions.map((pos, m) =>
        Array.from({ length: topK }, (_, j) => {
          const tokenId = tokIds[m * topK + j]!;
          const filled = ids!.slice();
          filled[pos] = tokenId;
          return {
            token: tok.idToToken(tokenId) ?? '',
            tokenId,
            score: scores[m * topK + j]!,
            sequence: tok.decode(filled, { skipSpecialTokens: true }),
          };
        }),
      );
    } finally {
      disposeAll(hidden, logits, probs);
    }
  }

  /** Top-k predictions for the single mask token in `text`. */
  async fillMask(text: string, options: { topK?: number } = {}): Promise<FillMaskResult[]> {
    const all = await this.fillMaskAll(text, options);
    if (all.length !== 1)
      throw new PipelineError(`fillMask: expected one mask token, found ${all.length}; use fillMaskAll`);
    return all[0]!;
  }

  /**
   * Embeddings of each text: [N, H] pooled (mean over real tokens, or the first position),
   * or with pooling 'none' one [S_i, H] host tensor per text.
   */
  async featureExtraction(
    texts: string | readonly string[],
    options: FeatureExtractionOptions = {},
  ): Promise<HostTensor<'f32'>[]> {
    const list = typeof texts === 'string' ? [texts] : texts;
    const pooling = options.pooling ?? 'mean';
    const H = this.config.hiddenSize;
    const out: HostTensor<'f32'>[] = [];
    const { ids } = this.tokenize(list, 'featureExtraction');
    const size = options.batchSize ?? 16;
    for (let i = 0; i < ids.length; i += size) {
      const batch = this.pad(ids.slice(i, i + size));
      const S = batch.ids.shape[1]!;
      const hidden = await this.model.encode(batch.ids, batch.mask);
      try {
        if (pooling === 'none') {
          const d = await hidden.data();
          batch.lengths.forEach((len, b) => {
            out.push({ dtype: 'f32', shape: [len, H], data: d.slice(b * S * H, (b * S + len) * H) });
          });
          continue;
        }
        let pooled: Float32Array;
        if (pooling === 'mean') {
          // Mean over real tokens only (sentence-embedding semantics), unlike the classifier's avg pooler.
          const mask = fromHost(this.backend, batch.mask);
          const mean = await ops.meanPool(hidden, mask).finally(() => mask.dispose());
          pooled = await mean.data();
          mean.dispose();
        } else {
          const d = await hidden.data();
          pooled = new Float32Array(batch.lengths.length * H);
          batch.lengths.forEach((_, b) => {
            pooled.set(d.subarray(b * S * H, b * S * H + H), b * H);
          });
        }
        batch.lengths.forEach((_, b) => {
          const v = pooled.slice(b * H, (b + 1) * H);
          if (options.normalize) {
            const n = Math.hypot(...v) || 1;
            for (let k = 0; k < H; k++) v[k]! /= n;
          }
          out.push({ dtype: 'f32', shape: [H], data: v });
        });
      } finally {
        hidden.dispose();
      }
    }
    return out;
  }

  /**
   * The most likely label of each text, using `id2label`. Each text runs on its own, unpadded:
   * the original `avg` pooler averages over padded positions too, so padding a text into a batch
   * would change its logits.
   */
  async textClassification(texts: string | readonly string[]): Promise<ClassificationResult[]> {
    const list = typeof texts === 'string' ? [texts] : texts;
    const cls = this.config.classifier;
    if (!cls)
      throw new PipelineError(
        'textClassification needs a classification checkpoint (ScriptableLMForSequenceClassification)',
      );
    const { ids } = this.tokenize(list, 'textClassification');
    const results: ClassificationResult[] = [];
    for (const row of ids) {
      const batch = this.pad([row]);
      const r = await this.model.forward({ inputIds: batch.ids, attentionMask: batch.mask });
      const logits = await r.logits!.data();
      disposeAll(r.hidden, r.logits, r.pooled);
      const max = Math.max(...logits);
      const exps = Array.from(logits, (v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      const best = exps.indexOf(Math.max(...exps));
      results.push({ label: cls.id2label?.[String(best)] ?? `LABEL_${best}`, score: exps[best]! / sum });
    }
    return results;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Load a checkpoint from a map of file names to contents or URLs. In Node, a directory path also works. */
export function loadModel(source: ModelFiles, options: LoadOptions): Promise<UltraFastBert> {
  return UltraFastBert.loadFiles(source, options);
}
