import { ConfigError } from './errors.js';

export type FFNConfig = { type: 'fff'; depth: number; trees: number } | { type: 'ff'; width: number };

export type HeadKind = 'mlm' | 'classification' | 'encoder';

/** The hyper-parameters a crammedBERT / UltraFastBERT checkpoint needs, read from `config.json` → `arch`. */
export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  maxSeqLength: number;
  normEps: number;
  ffn: FFNConfig;
  finalNorm: boolean;
  head: HeadKind;
  classifier?: {
    numLabels: number;
    headDim: number;
    pooler: 'avg' | 'zero_index';
    includeFFLayer: boolean;
    id2label?: Record<string, string>;
  };
  /** The config object as read, for writing it back out. */
  raw: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function obj(v: unknown, where: string): Json {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${where} must be an object`);
  return v as Json;
}

function int(o: Json, key: string, where: string, min = 1): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw new ConfigError(`${where}.${key} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** Require `o[key]` to equal one of the supported values (absent = `dflt`), naming it otherwise. */
function oneOf<T>(o: Json, key: string, where: string, allowed: readonly T[], dflt: T): T {
  const v = (key in o ? o[key] : dflt) as T;
  if (!allowed.includes(v))
    throw new ConfigError(
      `${where}.${key} = ${JSON.stringify(v)} is not supported (supported: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`,
    );
  return v;
}

/**
 * Parse an HF-style crammedBERT config (`{arch: {...}, architectures: [...]}`), reading every
 * hyper-parameter from `arch`. Variants this implementation does not compute (post-norm, rotary,
 * biases on dense layers, ...) are rejected by name rather than silently mis-computed.
 */
export function parseConfig(json: unknown, source = 'config.json'): BertConfig {
  const root = obj(json, source);
  if (!('arch' in root))
    throw new ConfigError(`${source} has no 'arch' object (crammedBERT keeps its hyper-parameters there)`);
  const arch = obj(root.arch, `${source}: arch`);
  const w = `${source}: arch`;
  const emb = obj(arch.embedding, `${w}.embedding`);
  const att = obj(arch.attention, `${w}.attention`);
  const hiddenSize = int(arch, 'hidden_size', w);
  const numHeads = int(att, 'num_attention_heads', `${w}.attention`);
  if (hiddenSize % numHeads !== 0)
    throw new ConfigError(
      `${w}.hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numHeads}`,
    );
  const embDim = emb.embedding_dim ?? hiddenSize;
  if (embDim !== hiddenSize)
    throw new ConfigError(
      `${w}.embedding.embedding_dim ${String(embDim)} != hidden_size ${hiddenSize} is not supported`,
    );

  oneOf(arch, 'norm', w, ['LayerNorm'], 'LayerNorm');
  oneOf(arch, 'norm_scheme', w, ['pre'], 'pre');
  oneOf(arch, 'nonlin', w, ['GELU'], 'GELU');
  oneOf(arch, 'use_bias', w, [false], false);
  oneOf(arch, 'decoder_bias', w, [false], false);
  oneOf(arch, 'skip_head_transform', w, [true], true);
  oneOf(arch, 'ffn_layer_frequency', w, [1], 1);
  oneOf(emb, 'pos_embedding', `${w}.embedding`, ['scaled-sinusoidal'], 'scaled-sinusoidal');
  oneOf(emb, 'normalization', `${w}.embedding`, [true], true);
  oneOf(att, 'type', `${w}.attention`, ['self-attention'], 'self-attention');
  oneOf(att, 'qkv_bias', `${w}.attention`, [false], false);
  oneOf(att, 'rotary_embedding', `${w}.attention`, [false], false);
  oneOf(att, 'causal_attention', `${w}.attention`, [false], false);
  oneOf(att, 'skip_output_projection', `${w}.attention`, [false], false);
  oneOf(att, 'sequence_op', `${w}.attention`, ['torch-softmax'], 'torch-softmax');

  // crammed_bert.py: a missing intermed_type means the dense FFNComponent.
  const type = oneOf(arch, 'intermed_type', w, ['fff', 'ff'], 'ff');
  const ffn: FFNConfig =
    type === 'fff'
      ? { type: 'fff', depth: int(arch, 'intermed_depth', w, 0), trees: int(arch, 'intermed_size', w) }
      : { type: 'ff', width: int(arch, 'intermed_size', w) };

  const normEps = arch.norm_eps ?? 1e-12;
  if (typeof normEps !== 'number' || !(normEps >= 0))
    throw new ConfigError(`${w}.norm_eps must be a number >= 0`);

  const architectures = Array.isArray(root.architectures) ? (root.architectures as unknown[]) : [];
  const head: HeadKind = architectures.includes('ScriptableLMForSequenceClassification')
    ? 'classification'
    : architectures.includes('ScriptableLMForPreTraining')
      ? 'mlm'
      : 'encoder';

  const config: BertConfig = {
    vocabSize: int(emb, 'vocab_size', `${w}.embedding`),
    hiddenSize,
    numLayers: int(arch, 'num_transformer_layers', w),
    numHeads,
    maxSeqLength: int(emb, 'max_seq_length', `${w}.embedding`),
    normEps,
    ffn,
    finalNorm: arch.final_norm !== false,
    head,
    raw: root,
  };
  if (head === 'classification') {
    const cls = obj(arch.classification_head, `${w}.classification_head`);
    const id2label = root.id2label as Record<string, string> | undefined;
    // HF semantics: num_labels comes from the config's id2label when present (default 2).
    const numLabels =
      (typeof root.num_labels === 'number' ? root.num_labels : undefined) ??
      (id2label ? Object.keys(id2label).length : undefined) ??
      (typeof arch.num_labels === 'number' ? arch.num_labels : 2);
    oneOf(cls, 'nonlin', `${w}.classification_head`, ['Tanh'], 'Tanh');
    config.classifier = {
      numLabels,
      headDim: int(cls, 'head_dim', `${w}.classification_head`),
      pooler: oneOf(cls, 'pooler', `${w}.classification_head`, ['avg', 'zero_index'] as const, 'avg'),
      includeFFLayer: cls.include_ff_layer !== false,
      id2label,
    };
  }
  return config;
}
