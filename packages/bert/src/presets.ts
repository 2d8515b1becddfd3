/**
 * Named architectures for `createRandomCheckpoint` / `ultrafastbert init`. The `arch` objects follow
 * the original crammed-bert(-fff).yaml after resolution, so written checkpoints have the same
 * config shape and state_dict key names as the released UltraFastBERT checkpoint.
 */
export interface PresetShape {
  layers: number;
  hidden: number;
  heads: number;
  vocab: number;
  maxSeqLength: number;
  ffn: { type: 'fff'; depth: number; trees: number } | { type: 'ff'; width: number };
  head: 'mlm' | 'classification';
  numLabels?: number;
  classifierHeadDim?: number;
}

/** The shape every tiny preset shares: 2 layers of width 64, small enough for tests. */
const TINY = { layers: 2, hidden: 64, heads: 4, vocab: 512, maxSeqLength: 64 } as const;

export const PRESETS = {
  /** The released UltraFastBERT-1x11-long: 16 layers, 768 hidden, 12 heads, one FFF tree of depth 11 (~755 MB). */
  'ultrafastbert-1x11-long': {
    layers: 16,
    hidden: 768,
    heads: 12,
    vocab: 32768,
    maxSeqLength: 128,
    ffn: { type: 'fff', depth: 11, trees: 1 },
    head: 'mlm',
  },
  /** Its dense twin: crammedBERT with a 3072-wide feedforward block. */
  'crammedbert-3072': {
    layers: 16,
    hidden: 768,
    heads: 12,
    vocab: 32768,
    maxSeqLength: 128,
    ffn: { type: 'ff', width: 3072 },
    head: 'mlm',
  },
  /** Small models for tests and examples. */
  'tiny-fff': {
    ...TINY,
    ffn: { type: 'fff', depth: 5, trees: 2 },
    head: 'mlm',
  },
  'tiny-dense': {
    ...TINY,
    ffn: { type: 'ff', width: 256 },
    head: 'mlm',
  },
  'tiny-cls': {
    ...TINY,
    ffn: { type: 'fff', depth: 5, trees: 2 },
    head: 'classification',
    numLabels: 3,
    classifierHeadDim: 64,
  },
} satisfies Record<string, PresetShape>;

export type PresetName = keyof typeof PRESETS;

/** The config.json object for a preset shape, in the shape HF save_pretrained gives crammedBERT. */
export function configJson(p: PresetShape): Record<string, unknown> {
  const arch: Record<string, unknown> = {
    architectures: ['ScriptableCrammedBERT'],
    attention: {
      causal_attention: false,
      dropout_prob: 0.1,
      num_attention_heads: p.heads,
      qkv_bias: false,
      rotary_embedding: false,
      seq_op_in_fp32: false,
      sequence_op: 'torch-softmax',
      skip_output_projection: false,
      type: 'self-attention',
    },
    classification_head: {
      classifier_dropout: 0.1,
      head_dim: p.classifierHeadDim ?? p.hidden,
      include_ff_layer: true,
      nonlin: 'Tanh',
      pooler: 'avg',
    },
    decoder_bias: false,
    embedding: {
      dropout_prob: 0.1,
      embedding_dim: p.hidden,
      max_seq_length: p.maxSeqLength,
      normalization: true,
      pad_token_id: 0,
      pos_embedding: 'scaled-sinusoidal',
      stable_low_precision: false,
      vocab_size: p.vocab,
    },
    ffn_layer_frequency: 1,
    final_norm: true,
    hidden_dropout_prob: 0.1,
    hidden_size: p.hidden,
    init: { std: 0.02, type: 'normal' },
    intermed_type: p.ffn.type,
    intermed_size: p.ffn.type === 'fff' ? p.ffn.trees : p.ffn.width,
    loss: 'cross-entropy',
    nonlin: 'GELU',
    norm: 'LayerNorm',
    norm_eps: 1e-12,
    norm_scheme: 'pre',
    num_labels: p.numLabels ?? null,
    num_transformer_layers: p.layers,
    objective_layout: 'MLM',
    skip_head_transform: true,
    sparse_prediction: false,
    tie_weights: true,
    use_bias: false,
  };
  if (p.ffn.type === 'fff') arch.intermed_depth = p.ffn.depth;
  const json: Record<string, unknown> = {
    arch,
    architectures: [
      p.head === 'mlm' ? 'ScriptableLMForPreTraining' : 'ScriptableLMForSequenceClassification',
    ],
    model_type: 'crammedBERT',
    torch_dtype: 'float32',
  };
  if (p.head === 'classification') {
    const n = p.numLabels ?? 2;
    json.id2label = Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), `LABEL_${i}`]));
    json.label2id = Object.fromEntries(Array.from({ length: n }, (_, i) => [`LABEL_${i}`, i]));
  }
  return json;
}
