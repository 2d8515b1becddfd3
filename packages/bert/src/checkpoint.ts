import { fffKeys, fffShapes } from '@ultrafastbert/fff';
import { formatShape, shapesEqual } from '@ultrafastbert/tensor';
import type { BertConfig } from './config.js';
import { CheckpointError } from './errors.js';

/** What the loader needs from a safetensors source: entries, and float data one tensor at a time. */
export interface TensorSource {
  readonly names: readonly string[];
  entry(name: string): { dtype: string; shape: readonly number[] };
  /**
   * One tensor as float32. A source that reads from disk may land the data in `scratch` (when it
   * fits) and return a view into it; the loader uploads such a view before reusing the scratch.
   */
  readFloat32(name: string, scratch?: ArrayBuffer): Promise<Float32Array>;
  /** Bytes [start, start + length) of a tensor as stored (disk sources: to walk big tensors in pieces). */
  readBytes?(name: string, start: number, length: number, scratch?: ArrayBuffer): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export const WORD_EMBEDDING = 'encoder.embedding.word_embedding.weight';
export const DECODER = 'decoder.weight';
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

/** Every tensor key a checkpoint for `config` holds, with its shape (the original `state_dict`). */
export function expectedTensors(config: BertConfig): Map<string, number[]> {
  const { hiddenSize: H, vocabSize: V } = config;
  const m = new Map<string, number[]>([
    [WORD_EMBEDDING, [V, H]],
    ['encoder.embedding.pos_embedding.scale_factor', [1]],
    ['encoder.embedding.norm.weight', [H]],
    ['encoder.embedding.norm.bias', [H]],
  ]);
  for (let i = 0; i < config.numLayers; i++) {
    const p = `encoder.layers.${i}.`;
    for (const n of ['norm1', 'norm2']) {
      m.set(`${p}${n}.weight`, [H]);
      m.set(`${p}${n}.bias`, [H]);
    }
    m.set(`${p}attn.self_attention.norm_factor`, []);
    m.set(`${p}attn.self_attention.query_key_value.weight`, [3 * H, H]);
    m.set(`${p}attn.dense.weight`, [H, H]);
    if (config.ffn.type === 'fff') {
      const keys = fffKeys(`${p}ffn.`);
      const shapes = fffShapes({
        inputWidth: H,
        outputWidth: H,
        depth: config.ffn.depth,
        trees: config.ffn.trees,
      });
      for (const k of Object.keys(keys) as (keyof typeof keys)[]) m.set(keys[k], shapes[k]);
    } else {
      m.set(`${p}ffn.dense_in.weight`, [config.ffn.width, H]);
      m.set(`${p}ffn.dense_out.weight`, [H, config.ffn.width]);
    }
  }
  if (config.finalNorm) {
    m.set('encoder.final_norm.weight', [H]);
    m.set('encoder.final_norm.bias', [H]);
  }
  if (config.head === 'mlm') m.set(DECODER, [V, H]);
  if (config.classifier) {
    const { headDim, numLabels, includeFFLayer } = config.classifier;
    if (includeFFLayer) {
      m.set('pooler.dense.weight', [headDim, H]);
      m.set('pooler.dense.bias', [headDim]);
    }
    m.set('head.weight', [numLabels, includeFFLayer ? headDim : H]);
    m.set('head.bias', [numLabels]);
  }
  return m;
}

/**
 * Check every tensor against the config before anything is uploaded, and report all
 * missing, unexpected, mis-shaped and mis-typed tensors in ONE error (nothing half-loads).
 * The tied decoder may be stored as `decoder.weight`, the word embedding, or both
 * (the original loader fills one from the other).
 */
export function validateCheckpoint(config: BertConfig, src: TensorSource, source: string): void {
  const expected = expectedTensors(config);
  const present = new Set(src.names);
  const problems: string[] = [];
  const tied = present.has(WORD_EMBEDDING) || present.has(DECODER);
  for (const [name, shape] of expected) {
    if (!present.has(name)) {
      const isTiedHalf = (name === DECODER || name === WORD_EMBEDDING) && tied;
      if (!isTiedHalf) problems.push(`missing tensor '${name}' (expected shape ${formatShape(shape)})`);
      continue;
    }
    const e = src.entry(name);
    if (!FLOAT_DTYPES.has(e.dtype))
      problems.push(`tensor '${name}' has dtype ${e.dtype}, expected a float type (F32, F16, BF16)`);
    if (!shapesEqual(e.shape, shape))
      problems.push(`tensor '${name}' has shape ${formatShape(e.shape)}, expected ${formatShape(shape)}`);
  }
  for (const name of src.names) {
    if (!expected.has(name) && !(name === DECODER && tied)) problems.push(`unexpected tensor '${name}'`);
  }
  if (problems.length) throw new CheckpointError(source, problems);
}
