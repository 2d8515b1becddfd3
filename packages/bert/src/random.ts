import { createRng, type Rng } from '@ultrafastbert/tensor';
import { DECODER, expectedTensors, WORD_EMBEDDING } from './checkpoint.js';
import { type BertConfig, parseConfig } from './config.js';
import { configJson, PRESETS, type PresetName, type PresetShape } from './presets.js';

export interface RandomCheckpoint {
  config: Record<string, unknown>;
  tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>;
  tokenizer: Record<string, unknown>;
}

function draw(n: number, f: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = f();
  return a;
}

/**
 * How each parameter is drawn: the same scheme as the golden fixtures (every parameter moves the
 * output; LayerNorm weights near 1), so random checkpoints exercise real routing and attention.
 */
function initFor(name: string, shape: number[], cfg: BertConfig, rng: Rng): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const H = cfg.hiddenSize;
  const normal = (std: number) => draw(n, () => rng.normal() * std);
  if (name.endsWith('norm_factor')) return Float32Array.of(1 / Math.sqrt(H / cfg.numHeads));
  if (name.endsWith('scale_factor')) return draw(n, () => rng.uniform(0.2, 0.6));
  if (/norm\d?\.weight$|final_norm\.weight$/.test(name)) return draw(n, () => rng.uniform(0.6, 1.4));
  if (/norm\d?\.bias$|final_norm\.bias$/.test(name)) return normal(0.1);
  if (name === WORD_EMBEDDING) return normal(0.6);
  if (name.endsWith('query_key_value.weight')) return normal(Math.sqrt(1 / H));
  if (name.endsWith('attn.dense.weight')) return normal(Math.sqrt(0.36 / H));
  if (name.endsWith('linear_in.weight') || name.endsWith('dense_in.weight'))
    return normal(Math.sqrt(2.25 / H));
  if (name.endsWith('linear_in.bias')) return normal(0.5);
  if (name.endsWith('linear_out.weight') && cfg.ffn.type === 'fff')
    return normal(Math.sqrt(0.36 / (cfg.ffn.trees * (cfg.ffn.depth + 1))));
  if (name.endsWith('dense_out.weight') && cfg.ffn.type === 'ff')
    return normal(Math.sqrt(0.36 / cfg.ffn.width));
  if (name === 'pooler.dense.weight') return normal(Math.sqrt(1 / H));
  if (name === 'head.weight') return normal(Math.sqrt(1 / shape[1]!));
  if (name.endsWith('.bias')) return normal(0.2);
  throw new Error(`no initialiser for '${name}'`);
}

/**
 * A synthetic tokenizer.json in the pipeline of the crammedBERT/UltraFastBERT tokenizer (lowercase,
 * strip accents, ASCII only, Whitespace pre-tokenizer, `$A <sep>`). Its vocab is single characters,
 * their `##` continuations and `[unused]` fillers up to `vocabSize`: enough to run every pipeline on a
 * random model. It is NOT the released model's vocabulary.
 */
export function syntheticTokenizerJson(vocabSize: number): Record<string, unknown> {
  const specials = ['<pad>', '<s>', '</s>', '<unk>', '<cls>', '<sep>', '<mask>'];
  const chars: string[] = [];
  for (let c = 33; c < 127; c++) if (!(c >= 65 && c <= 90)) chars.push(String.fromCharCode(c));
  const tokens = [...specials, ...chars, ...chars.map((c) => `##${c}`)];
  if (vocabSize < tokens.length)
    throw new Error(`vocab size ${vocabSize} is below the synthetic minimum ${tokens.length}`);
  for (let i = tokens.length; i < vocabSize; i++) tokens.push(`[unused${i}]`);
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const special = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
  const seq = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFD' },
        { type: 'Lowercase' },
        { type: 'StripAccents' },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
        { type: 'Replace', pattern: { Regex: '[^\\x00-\\x7F]+' }, content: '' },
      ],
    },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [seq('A'), special('<sep>')],
      pair: [special('<cls>'), seq('A'), special('<sep>'), seq('B'), special('<sep>')],
      special_tokens: Object.fromEntries(
        ['<cls>', '<sep>'].map((t) => [t, { id: t, ids: [vocab[t]], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '<unk>',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/** A whole random checkpoint in memory: config.json object, state_dict tensors, tokenizer.json object. */
export function randomCheckpoint(preset: PresetName | PresetShape, seed = 0): RandomCheckpoint {
  const shape = typeof preset === 'string' ? PRESETS[preset] : preset;
  if (!shape)
    throw new Error(`unknown preset '${String(preset)}' (known: ${Object.keys(PRESETS).join(', ')})`);
  const config = configJson(shape);
  const cfg = parseConfig(config);
  const rng = createRng(seed);
  const tensors: RandomCheckpoint['tensors'] = {};
  for (const [name, s] of expectedTensors(cfg)) {
    if (name === DECODER) continue;
    tensors[name] = { dtype: 'F32', shape: s, data: initFor(name, s, cfg, rng) };
  }
  // The tied decoder is stored as a second copy, as the released state_dict does.
  if (cfg.head === 'mlm')
    tensors[DECODER] = { ...tensors[WORD_EMBEDDING]!, shape: [cfg.vocabSize, cfg.hiddenSize] };
  return { config, tensors, tokenizer: syntheticTokenizerJson(cfg.vocabSize) };
}
