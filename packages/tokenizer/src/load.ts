import type { AddedToken } from './added-tokens.js';
import { type Decoder, WordPieceDecoder } from './decoders/wordpiece.js';
import { TokenizerError } from './errors.js';
import { WordPiece } from './models/wordpiece.js';
import { BertNormalizer } from './normalizers/bert.js';
import { Replace } from './normalizers/replace.js';
import { Lowercase, Prepend, SequenceNormalizer, Strip, StripAccents } from './normalizers/simple.js';
import type { Normalizer } from './normalizers/types.js';
import { UnicodeNormalizer } from './normalizers/unicode-forms.js';
import type { PaddingOptions, TruncationOptions } from './options.js';
import {
  BertProcessing,
  type PostProcessor,
  type TemplatePiece,
  TemplateProcessing,
} from './post-processors/index.js';
import {
  BertPreTokenizer,
  DigitsPreTokenizer,
  type PreTokenizer,
  PunctuationPreTokenizer,
  SequencePreTokenizer,
  type SplitBehavior,
  WhitespacePreTokenizer,
  WhitespaceSplit,
} from './pre-tokenizers/index.js';
import { type SpecialTokens, Tokenizer } from './tokenizer.js';

// biome-ignore lint/suspicious/noExplicitAny: tokenizer.json is untyped input, checked field by field.
type Json = any;

function bad(msg: string): never {
  throw new TokenizerError('E_TOKENIZER_JSON', msg);
}

function unknown(kind: string, type: unknown): never {
  throw new TokenizerError(
    'E_UNKNOWN_COMPONENT',
    `unsupported ${kind} type ${JSON.stringify(type)} (this package implements WordPiece tokenizers; see the README for the supported components)`,
  );
}

function obj(x: Json, what: string): Json {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) bad(`${what} must be an object`);
  return x;
}

export function buildNormalizer(j: Json): Normalizer | null {
  if (j === null || j === undefined) return null;
  obj(j, 'normalizer');
  switch (j.type) {
    case 'BertNormalizer':
      return new BertNormalizer({
        cleanText: j.clean_text ?? true,
        handleChineseChars: j.handle_chinese_chars ?? true,
        stripAccents: j.strip_accents ?? null,
        lowercase: j.lowercase ?? true,
      });
    case 'Sequence':
      if (!Array.isArray(j.normalizers)) bad('normalizer Sequence needs a "normalizers" array');
      return new SequenceNormalizer(j.normalizers.map((x: Json) => buildNormalizer(x)!).filter(Boolean));
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return new UnicodeNormalizer(j.type);
    case 'Lowercase':
      return new Lowercase();
    case 'StripAccents':
      return new StripAccents();
    case 'Strip':
      return new Strip(j.strip_left ?? true, j.strip_right ?? true);
    case 'Prepend':
      if (typeof j.prepend !== 'string') bad('normalizer Prepend needs a "prepend" string');
      return new Prepend(j.prepend);
    case 'Replace': {
      const p = obj(j.pattern, 'Replace.pattern');
      if (typeof p.String !== 'string' && typeof p.Regex !== 'string')
        bad('Replace.pattern needs "String" or "Regex"');
      if (typeof j.content !== 'string') bad('normalizer Replace needs a "content" string');
      return new Replace(typeof p.String === 'string' ? { String: p.String } : { Regex: p.Regex }, j.content);
    }
    default:
      return unknown('normalizer', j.type);
  }
}

export function buildPreTokenizer(j: Json): PreTokenizer | null {
  if (j === null || j === undefined) return null;
  obj(j, 'pre_tokenizer');
  switch (j.type) {
    case 'BertPreTokenizer':
      return new BertPreTokenizer();
    case 'Whitespace':
      return new WhitespacePreTokenizer();
    case 'WhitespaceSplit':
      return new WhitespaceSplit();
    case 'Punctuation':
      return new PunctuationPreTokenizer((j.behavior as SplitBehavior) ?? 'Isolated');
    case 'Digits':
      return new DigitsPreTokenizer(j.individual_digits ?? false);
    case 'Sequence':
      if (!Array.isArray(j.pretokenizers)) bad('pre_tokenizer Sequence needs a "pretokenizers" array');
      return new SequencePreTokenizer(
        j.pretokenizers.map((x: Json) => buildPreTokenizer(x)!).filter(Boolean),
      );
    default:
      return unknown('pre_tokenizer', j.type);
  }
}

export function buildModel(j: Json): WordPiece {
  obj(j, 'model');
  const type =
    j.type ??
    (j.merges !== undefined ? 'BPE' : j.continuing_subword_prefix !== undefined ? 'WordPiece' : undefined);
  if (type !== 'WordPiece') unknown('model', type);
  const v = obj(j.vocab, 'model.vocab');
  const vocab = new Map<string, number>();
  for (const k of Object.keys(v)) {
    const id = v[k];
    if (!Number.isInteger(id) || id < 0)
      bad(`model.vocab[${JSON.stringify(k)}] must be a non-negative integer id`);
    vocab.set(k, id);
  }
  return new WordPiece(vocab, {
    unkToken: j.unk_token ?? '[UNK]',
    continuingSubwordPrefix: j.continuing_subword_prefix ?? '##',
    maxInputCharsPerWord: j.max_input_chars_per_word ?? 100,
  });
}

function templatePieces(list: Json, special: Map<string, number[]>, what: string): TemplatePiece[] {
  if (!Array.isArray(list)) bad(`TemplateProcessing.${what} must be an array`);
  return list.map((p: Json): TemplatePiece => {
    if (p?.Sequence) {
      const id = p.Sequence.id;
      if (id !== 'A' && id !== 'B') bad(`TemplateProcessing.${what}: sequence id must be "A" or "B"`);
      return { kind: 'seq', seq: id === 'A' ? 0 : 1, typeId: p.Sequence.type_id ?? 0 };
    }
    if (p?.SpecialToken) {
      const ids = special.get(p.SpecialToken.id);
      if (!ids)
        bad(
          `TemplateProcessing.${what}: special token ${JSON.stringify(p.SpecialToken.id)} is not in special_tokens`,
        );
      return { kind: 'special', ids, typeId: p.SpecialToken.type_id ?? 0 };
    }
    return bad(`TemplateProcessing.${what}: unknown piece ${JSON.stringify(p)}`);
  });
}

export function buildPostProcessor(j: Json): PostProcessor | null {
  if (j === null || j === undefined) return null;
  obj(j, 'post_processor');
  switch (j.type) {
    case 'TemplateProcessing': {
      const special = new Map<string, number[]>();
      for (const [k, v] of Object.entries(obj(j.special_tokens ?? {}, 'special_tokens'))) {
        special.set(k, (v as Json).ids);
      }
      return new TemplateProcessing(
        templatePieces(j.single, special, 'single'),
        templatePieces(j.pair, special, 'pair'),
      );
    }
    case 'BertProcessing':
      if (!Array.isArray(j.cls) || !Array.isArray(j.sep))
        bad('BertProcessing needs "cls" and "sep" [token, id] pairs');
      return new BertProcessing(j.cls, j.sep);
    default:
      return unknown('post_processor', j.type);
  }
}

export function buildDecoder(j: Json): Decoder | null {
  if (j === null || j === undefined) return null;
  obj(j, 'decoder');
  if (j.type === 'WordPiece') return new WordPieceDecoder(j.prefix ?? '##', j.cleanup ?? true);
  return unknown('decoder', j.type);
}

/**
 * Added tokens as HF loads them: the id comes from the vocabulary when the content is in it, otherwise the next id
 * after the vocabulary and the added tokens so far (the `id` field in tokenizer.json is not authoritative).
 */
function addedTokens(list: Json, model: WordPiece): AddedToken[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) bad('added_tokens must be an array');
  const vocabSize = model.vocab.size;
  const ids = new Map<string, number>();
  let max = -1;
  const out: AddedToken[] = [];
  for (const t of list) {
    if (typeof t?.content !== 'string' || !Number.isInteger(t.id))
      bad('added_tokens entries need "id" and "content"');
    if (t.content === '') continue;
    const id = ids.get(t.content) ?? model.vocab.get(t.content) ?? (max >= vocabSize ? max + 1 : vocabSize);
    ids.set(t.content, id);
    if (id > max) max = id;
    out.push({
      id,
      content: t.content,
      special: t.special ?? false,
      singleWord: t.single_word ?? false,
      lstrip: t.lstrip ?? false,
      rstrip: t.rstrip ?? false,
      normalized: t.normalized ?? !(t.special ?? false),
    });
  }
  return out;
}

function truncation(j: Json): TruncationOptions | null {
  if (!j) return null;
  const strategy = (
    { LongestFirst: 'longest_first', OnlyFirst: 'only_first', OnlySecond: 'only_second' } as const
  )[j.strategy as 'LongestFirst'];
  return {
    maxLength: j.max_length,
    strategy: strategy ?? 'longest_first',
    stride: j.stride ?? 0,
    side: j.direction === 'Left' ? 'left' : 'right',
  };
}

function padding(j: Json): PaddingOptions | null {
  if (!j) return null;
  const fixed = typeof j.strategy === 'object' && j.strategy !== null ? j.strategy.Fixed : undefined;
  return {
    length: fixed ?? 'longest',
    side: j.direction === 'Left' ? 'left' : 'right',
    padToMultipleOf: j.pad_to_multiple_of ?? 0,
    padId: j.pad_id,
    padToken: j.pad_token,
    padTypeId: j.pad_type_id ?? 0,
  };
}

/** Config files that may ship next to tokenizer.json. */
export interface TokenizerConfigs {
  /** tokenizer_config.json */
  config?: Json;
  /** special_tokens_map.json */
  specialTokensMap?: Json;
}

function tokenName(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof v.content === 'string') return v.content;
  return undefined;
}

function specialFromConfigs(c: TokenizerConfigs): { special: SpecialTokens; max?: number } {
  const special: SpecialTokens = {};
  for (const src of [c.config, c.specialTokensMap]) {
    if (!src || typeof src !== 'object') continue;
    for (const k of ['unk', 'cls', 'sep', 'pad', 'mask', 'bos', 'eos'] as const) {
      const name = tokenName(src[`${k}_token`]);
      if (name !== undefined) special[k] = name;
    }
  }
  const max = c.config?.model_max_length;
  return typeof max === 'number' && max < 1e12 ? { special, max } : { special };
}

/** Build a tokenizer from a parsed tokenizer.json (plus optional tokenizer_config.json / special_tokens_map.json). */
export function fromJSON(json: Json, configs: TokenizerConfigs = {}): Tokenizer {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (e) {
      bad(`tokenizer.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  obj(json, 'tokenizer.json');
  if (json.model === undefined) bad('tokenizer.json has no "model"');
  const { special, max } = specialFromConfigs(configs);
  const model = buildModel(json.model);
  return new Tokenizer({
    normalizer: buildNormalizer(json.normalizer),
    preTokenizer: buildPreTokenizer(json.pre_tokenizer),
    model,
    postProcessor: buildPostProcessor(json.post_processor),
    decoder: buildDecoder(json.decoder),
    addedTokens: addedTokens(json.added_tokens, model),
    specialTokens: special,
    truncation: truncation(json.truncation),
    padding: padding(json.padding),
    ...(max !== undefined ? { modelMaxLength: max } : {}),
  });
}

export interface VocabOptions {
  /** Lowercase (uncased BERT). Default true, like HF `BertTokenizer`. */
  lowercase?: boolean;
  /** Shorthand for `lowercase: !cased`. */
  cased?: boolean;
  /** Default: follows `lowercase`. */
  stripAccents?: boolean | null;
  cleanText?: boolean;
  handleChineseChars?: boolean;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  maskToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

/** Parse a `vocab.txt` (one token per line; line number = id). */
export function parseVocab(text: string): Map<string, number> {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) vocab.set(lines[i]!.trimEnd(), i);
  if (vocab.size === 0) throw new TokenizerError('E_VOCAB', 'vocab.txt is empty');
  return vocab;
}

/** A classic BERT tokenizer from `vocab.txt`: BertNormalizer, BertPreTokenizer, WordPiece, `[CLS] A [SEP]`. */
export function fromVocab(text: string, o: VocabOptions = {}): Tokenizer {
  const vocab = parseVocab(text);
  const lowercase = o.lowercase ?? (o.cased === undefined ? true : !o.cased);
  const names = {
    unk: o.unkToken ?? '[UNK]',
    cls: o.clsToken ?? '[CLS]',
    sep: o.sepToken ?? '[SEP]',
    pad: o.padToken ?? '[PAD]',
    mask: o.maskToken ?? '[MASK]',
  };
  if (!vocab.has(names.unk)) {
    throw new TokenizerError('E_MISSING_UNK', `vocab.txt has no unk token ${JSON.stringify(names.unk)}`);
  }
  const added: AddedToken[] = [];
  for (const t of [names.pad, names.unk, names.cls, names.sep, names.mask]) {
    const id = vocab.get(t);
    if (id !== undefined) {
      added.push({
        id,
        content: t,
        special: true,
        singleWord: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
      });
    }
  }
  const cls = vocab.get(names.cls);
  const sep = vocab.get(names.sep);
  return new Tokenizer({
    normalizer: new BertNormalizer({
      lowercase,
      stripAccents: o.stripAccents ?? null,
      cleanText: o.cleanText ?? true,
      handleChineseChars: o.handleChineseChars ?? true,
    }),
    preTokenizer: new BertPreTokenizer(),
    model: new WordPiece(vocab, {
      unkToken: names.unk,
      continuingSubwordPrefix: o.continuingSubwordPrefix ?? '##',
      maxInputCharsPerWord: o.maxInputCharsPerWord ?? 100,
    }),
    postProcessor:
      cls !== undefined && sep !== undefined ? new BertProcessing([names.cls, cls], [names.sep, sep]) : null,
    decoder: new WordPieceDecoder('##', true),
    addedTokens: added,
    specialTokens: names,
  });
}

/** Fetch a tokenizer.json (browsers, Deno, Node 18+). `configUrl` optionally points at tokenizer_config.json. */
export async function fromUrl(
  url: string | URL,
  init: { configUrl?: string | URL; fetch?: typeof fetch } = {},
): Promise<Tokenizer> {
  const f = init.fetch ?? globalThis.fetch;
  if (!f) throw new TokenizerError('E_LOAD', 'fromUrl needs a global fetch');
  const get = async (u: string | URL) => {
    const r = await f(u);
    if (!r.ok) throw new TokenizerError('E_LOAD', `fetching ${String(u)} failed: HTTP ${r.status}`);
    return r.text();
  };
  const json = await get(url);
  const config = init.configUrl ? JSON.parse(await get(init.configUrl)) : undefined;
  return fromJSON(json, { config });
}
