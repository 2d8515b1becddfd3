import { type AddedToken, AddedTokenMatcher } from './added-tokens.js';
import type { Decoder } from './decoders/wordpiece.js';
import { JoinDecoder } from './decoders/wordpiece.js';
import { Encoding } from './encoding.js';
import { TokenizerError } from './errors.js';
import type { WordPiece } from './models/wordpiece.js';
import { identity, type NormalizedString } from './normalizers/normalized.js';
import type { Normalizer } from './normalizers/types.js';
import type {
  BatchInput,
  DecodeOptions,
  EncodeOptions,
  PaddingOptions,
  TruncationOptions,
  TruncationStrategy,
} from './options.js';
import { defaultProcess, type Piece, type PostProcessor, type Processed } from './post-processors/index.js';
import type { PreTokenizer } from './pre-tokenizers/index.js';
import { toWellFormed, utf16ToCodePoint } from './unicode.js';

/** Names of the special tokens (from tokenizer_config.json / special_tokens_map.json, or guessed). */
export interface SpecialTokens {
  unk?: string;
  cls?: string;
  sep?: string;
  pad?: string;
  mask?: string;
  bos?: string;
  eos?: string;
}

export interface TokenizerParts {
  normalizer: Normalizer | null;
  preTokenizer: PreTokenizer | null;
  model: WordPiece;
  postProcessor: PostProcessor | null;
  decoder: Decoder | null;
  addedTokens: AddedToken[];
  specialTokens?: SpecialTokens;
  /** Defaults from tokenizer.json's `truncation` / `padding`. */
  truncation?: TruncationOptions | null;
  padding?: PaddingOptions | null;
  modelMaxLength?: number;
}

/**
 * A batch: the row encodings plus rectangular typed matrices `[batchSize, seqLength]`, row-major, built on first use.
 * Rows shorter than `seqLength` (only when no padding was asked for) are filled with the pad id (0 without a pad
 * token), type id 0 and mask 0.
 */
export class BatchEncoding {
  readonly encodings: Encoding[];
  readonly batchSize: number;
  /** Length of every matrix row: the longest encoding. */
  readonly seqLength: number;
  private readonly fillId: number;
  private m: { ids: Int32Array; types: Int32Array; mask: Int32Array } | undefined;

  constructor(encodings: Encoding[], fillId: number) {
    this.encodings = encodings;
    this.batchSize = encodings.length;
    let l = 0;
    for (const e of encodings) if (e.length > l) l = e.length;
    this.seqLength = l;
    this.fillId = fillId;
  }

  private matrices(): { ids: Int32Array; types: Int32Array; mask: Int32Array } {
    if (this.m) return this.m;
    const n = this.batchSize;
    const L = this.seqLength;
    const ids = new Int32Array(n * L);
    const types = new Int32Array(n * L);
    const mask = new Int32Array(n * L);
    for (let i = 0; i < n; i++) {
      const e = this.encodings[i]!;
      const row = i * L;
      ids.set(e.inputIds, row);
      types.set(e.tokenTypeIds, row);
      mask.set(e.attentionMask, row);
      if (e.length < L && this.fillId !== 0) ids.fill(this.fillId, row + e.length, row + L);
    }
    this.m = { ids, types, mask };
    return this.m;
  }

  get inputIds(): Int32Array {
    return this.matrices().ids;
  }
  get tokenTypeIds(): Int32Array {
    return this.matrices().types;
  }
  get attentionMask(): Int32Array {
    return this.matrices().mask;
  }
}

const EMPTY: Piece = { ids: [], offsets: [], words: [] };

function sliceP(p: Piece, a: number, b: number): Piece {
  const r: Piece = {
    ids: p.ids.slice(a, b),
    offsets: p.offsets.slice(2 * a, 2 * b),
    words: p.words.slice(a, b),
  };
  if (p.names) r.names = p.names.slice(a, b);
  return r;
}

/** HF `Encoding::truncate`: the kept part and the overflowing parts. */
function truncatePiece(p: Piece, maxLen: number, stride: number, side: 'right' | 'left'): [Piece, Piece[]] {
  const len = p.ids.length;
  if (maxLen >= len) return [p, []];
  if (maxLen === 0) return [EMPTY, [p]];
  if (stride >= maxLen) {
    throw new TokenizerError(
      'E_TRUNCATION',
      `stride (${stride}) must be less than the length kept per sequence (${maxLen}, special tokens excluded)`,
    );
  }
  const step = maxLen - stride;
  const parts: Piece[] = [];
  if (side === 'right') {
    for (let start = 0; ; start += step) {
      const stop = Math.min(start + maxLen, len);
      parts.push(sliceP(p, start, stop));
      if (stop === len) break;
    }
  } else {
    for (let stop = len; ; stop -= step) {
      const start = Math.max(0, stop - maxLen);
      parts.push(sliceP(p, start, stop));
      if (start === 0) break;
    }
  }
  return [parts[0]!, parts.slice(1)];
}

/** Record the string of the last token of `p` (an added token matched with the whitespace around it). */
function setName(p: Piece, name: string): void {
  if (!p.names) p.names = [];
  p.names[p.ids.length - 1] = name;
}

function toCodePoints(p: Piece, text: string): void {
  const conv = utf16ToCodePoint(text);
  if (!conv) return;
  const o = p.offsets;
  for (let i = 0; i < o.length; i++) o[i] = conv(o[i]!);
}

/**
 * A WordPiece tokenizer with the pipeline of HF `tokenizers`: added tokens, normalizer, pre-tokenizer, WordPiece model,
 * post-processor, decoder. Build one with `Tokenizer.fromJSON`, `Tokenizer.fromVocab`, `Tokenizer.fromUrl`, or
 * `fromFile` from `@ultrafastbert/tokenizer/node`.
 */
export class Tokenizer {
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly model: WordPiece;
  readonly postProcessor: PostProcessor | null;
  readonly decoder: Decoder;
  readonly addedTokens: readonly AddedToken[];
  readonly modelMaxLength: number | undefined;
  readonly defaultTruncation: TruncationOptions | null;
  readonly defaultPadding: PaddingOptions | null;
  private readonly raw: AddedTokenMatcher;
  private readonly norm: AddedTokenMatcher;
  private readonly idToTok: string[];
  private readonly addedByContent = new Map<string, number>();
  private readonly specialIds = new Set<number>();
  private readonly special: SpecialTokens;

  constructor(parts: TokenizerParts) {
    this.normalizer = parts.normalizer;
    this.preTokenizer = parts.preTokenizer;
    this.model = parts.model;
    this.postProcessor = parts.postProcessor;
    this.decoder = parts.decoder ?? new JoinDecoder();
    this.addedTokens = parts.addedTokens;
    this.modelMaxLength = parts.modelMaxLength;
    this.defaultTruncation = parts.truncation ?? null;
    this.defaultPadding = parts.padding ?? null;
    this.raw = new AddedTokenMatcher(parts.addedTokens.filter((t) => !t.normalized));
    this.norm = new AddedTokenMatcher(parts.addedTokens.filter((t) => t.normalized));
    const v: string[] = [];
    for (const [tok, id] of this.model.vocab) v[id] = tok;
    for (const t of parts.addedTokens) {
      v[t.id] = t.content;
      this.addedByContent.set(t.content, t.id);
      if (t.special) this.specialIds.add(t.id);
    }
    for (let i = 0; i < v.length; i++) if (v[i] === undefined) v[i] = '';
    this.idToTok = v;
    this.special = { ...guessSpecial(this), ...parts.specialTokens };
  }

  // ---------------------------------------------------------------- vocabulary

  /** Vocabulary size including added tokens (largest id + 1). */
  get vocabSize(): number {
    return this.idToTok.length;
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token) ?? this.model.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    const t = this.idToTok[id];
    return t === undefined || (t === '' && !this.model.vocab.has('')) ? undefined : t;
  }

  /** token -> id for the model vocabulary and the added tokens. */
  getVocab(): Map<string, number> {
    const m = new Map(this.model.vocab);
    for (const [k, id] of this.addedByContent) m.set(k, id);
    return m;
  }

  get specialTokens(): Readonly<SpecialTokens> {
    return this.special;
  }
  get unkToken(): string | undefined {
    return this.special.unk;
  }
  get clsToken(): string | undefined {
    return this.special.cls;
  }
  get sepToken(): string | undefined {
    return this.special.sep;
  }
  get padToken(): string | undefined {
    return this.special.pad;
  }
  get maskToken(): string | undefined {
    return this.special.mask;
  }
  get bosToken(): string | undefined {
    return this.special.bos;
  }
  get eosToken(): string | undefined {
    return this.special.eos;
  }
  get unkTokenId(): number | undefined {
    return this.idOf(this.special.unk);
  }
  get clsTokenId(): number | undefined {
    return this.idOf(this.special.cls);
  }
  get sepTokenId(): number | undefined {
    return this.idOf(this.special.sep);
  }
  get padTokenId(): number | undefined {
    return this.idOf(this.special.pad);
  }
  get maskTokenId(): number | undefined {
    return this.idOf(this.special.mask);
  }
  get bosTokenId(): number | undefined {
    return this.idOf(this.special.bos);
  }
  get eosTokenId(): number | undefined {
    return this.idOf(this.special.eos);
  }
  /** Ids of the added tokens marked special. */
  get allSpecialIds(): number[] {
    return [...this.specialIds];
  }

  private idOf(t: string | undefined): number | undefined {
    return t === undefined ? undefined : this.tokenToId(t);
  }

  // ---------------------------------------------------------------- encoding

  /** Tokens of one text before post-processing. Offsets are UTF-16 indices into `text`. */
  private encodeText(text: string): Piece {
    const ids: number[] = [];
    const offsets: number[] = [];
    const words: number[] = [];
    const p: Piece = { ids, offsets, words };
    const m = this.raw.find(text);
    if (m === null) {
      this.segment(text, 0, text.length, p, 0);
      return p;
    }
    let pos = 0;
    let word = 0;
    for (let k = 0; k < m.length; k += 3) {
      const a = m[k]!;
      const b = m[k + 1]!;
      if (a > pos) word = this.segment(text, pos, a, p, word);
      ids.push(m[k + 2]!);
      offsets.push(a, b);
      words.push(word++);
      if (b - a !== this.idToTok[m[k + 2]!]!.length) setName(p, text.slice(a, b));
      pos = b;
    }
    if (pos < text.length) this.segment(text, pos, text.length, p, word);
    return p;
  }

  /** Normalise, pre-tokenize and tokenize `text[a, b)`; returns the next word index. */
  private segment(text: string, a: number, b: number, p: Piece, word: number): number {
    let n: NormalizedString = identity(a === 0 && b === text.length ? text : text.slice(a, b), a);
    if (this.normalizer) n = this.normalizer.normalize(n);
    if (n.s.length === 0) return word;
    if (!this.norm.empty) {
      const m = this.norm.find(n.s);
      if (m !== null) {
        let pos = 0;
        for (let k = 0; k < m.length; k += 3) {
          const x = m[k]!;
          const y = m[k + 1]!;
          if (x > pos) word = this.words(n, pos, x, p, word);
          p.ids.push(m[k + 2]!);
          p.offsets.push(n.starts ? n.starts[x]! : n.base + x, n.ends ? n.ends[y - 1]! : n.base + y);
          p.words.push(word++);
          if (y - x !== this.idToTok[m[k + 2]!]!.length) setName(p, n.s.slice(x, y));
          pos = y;
        }
        return pos < n.s.length ? this.words(n, pos, n.s.length, p, word) : word;
      }
    }
    return this.words(n, 0, n.s.length, p, word);
  }

  private words(n: NormalizedString, a: number, b: number, p: Piece, word: number): number {
    const ranges: number[] = [];
    if (this.preTokenizer) this.preTokenizer.splitRange(n.s, a, b, ranges);
    else ranges.push(a, b);
    const { ids, offsets, words } = p;
    const s = n.s;
    const starts = n.starts;
    const ends = n.ends;
    const base = n.base;
    const model = this.model;
    for (let r = 0; r < ranges.length; r += 2) {
      const ra = ranges[r]!;
      const rb = ranges[r + 1]!;
      const wp = model.tokenize(s.slice(ra, rb));
      let prev = ra;
      for (let k = 0; k < wp.length; k += 2) {
        const end = ra + wp[k + 1]!;
        ids.push(wp[k]!);
        if (starts === null) offsets.push(base + prev, base + end);
        else offsets.push(starts[prev]!, ends![end - 1]!);
        words.push(word);
        prev = end;
      }
      word++;
    }
    return word;
  }

  private resolveTruncation(o: TruncationOptions | false | null | undefined): TruncationOptions | null {
    if (o === false || o === null) return null;
    return o ?? this.defaultTruncation;
  }

  private resolvePadding(o: PaddingOptions | false | null | undefined): PaddingOptions | null {
    if (o === false || o === null) return null;
    return o ?? this.defaultPadding;
  }

  /** Encode a text (or a pair with `options.pair`). */
  encode(text: string, options: EncodeOptions = {}): Encoding {
    const enc = this.encodeUnpadded(text, options.pair, options, this.resolveTruncation(options.truncation));
    const pad = this.resolvePadding(options.padding);
    if (pad) this.pad(enc, pad, enc.length);
    return enc;
  }

  private encodeUnpadded(
    text: string,
    pair: string | null | undefined,
    options: EncodeOptions,
    trunc: TruncationOptions | null,
  ): Encoding {
    if (typeof text !== 'string')
      throw new TokenizerError('E_INPUT', `text must be a string, got ${typeof text}`);
    if (pair !== undefined && pair !== null && typeof pair !== 'string') {
      throw new TokenizerError('E_INPUT', `pair must be a string, got ${typeof pair}`);
    }
    const addSpecial = options.addSpecialTokens ?? true;
    const t = toWellFormed(text);
    let a = this.encodeText(t);
    let b: Piece | null = null;
    let tp = '';
    if (pair !== undefined && pair !== null) {
      tp = toWellFormed(pair);
      b = this.encodeText(tp);
    }
    if (options.offsets === 'codepoint') {
      toCodePoints(a, t);
      if (b) toCodePoints(b, tp);
    }
    let overA: Piece[] = [];
    let overB: Piece[] = [];
    if (trunc) [a, b, overA, overB] = this.truncate(a, b, trunc, addSpecial);
    const main = this.process(a, b, addSpecial);
    if (overA.length === 0 && overB.length === 0) return main;
    const over: Encoding[] = [];
    for (const oa of overA) {
      over.push(this.process(oa, b, addSpecial));
      for (const ob of overB) over.push(this.process(oa, ob, addSpecial));
    }
    for (const ob of overB) over.push(this.process(a, ob, addSpecial));
    return new Encoding(
      main.inputIds,
      main.tokenTypeIds,
      main.attentionMask,
      main.specialTokensMask,
      main._offsets,
      main._words,
      main._seq,
      this.idToTok,
      over,
      main._names,
    );
  }

  private process(a: Piece, b: Piece | null, addSpecial: boolean): Encoding {
    const r: Processed = this.postProcessor
      ? this.postProcessor.process(a, b, addSpecial)
      : defaultProcess(a, b);
    const mask = new Array<number>(r.ids.length).fill(1);
    const e = new Encoding(r.ids, r.typeIds, mask, r.special, r.offsets, r.words, r.seq, this.idToTok);
    if (r.names) e._names = r.names;
    return e;
  }

  /** HF `truncate_encodings` (tokenizers 0.22): returns [a, b, overflowA, overflowB]. */
  private truncate(
    a: Piece,
    b: Piece | null,
    o: TruncationOptions,
    addSpecial: boolean,
  ): [Piece, Piece | null, Piece[], Piece[]] {
    const added = addSpecial && this.postProcessor ? this.postProcessor.addedTokens(b !== null) : 0;
    if (!Number.isInteger(o.maxLength) || o.maxLength < 0) {
      throw new TokenizerError(
        'E_TRUNCATION',
        `truncation maxLength must be a non-negative integer, got ${o.maxLength}`,
      );
    }
    const max = o.maxLength - added;
    if (max < 0) {
      throw new TokenizerError(
        'E_TRUNCATION',
        `truncation maxLength ${o.maxLength} is smaller than the ${added} special tokens the post-processor adds`,
      );
    }
    const stride = o.stride ?? 0;
    const side = o.side ?? 'right';
    const strategy: TruncationStrategy = o.strategy ?? 'longest_first';
    const la = a.ids.length;
    const lb = b ? b.ids.length : 0;
    const total = la + lb;
    if (max === 0) {
      const [ta, oa] = truncatePiece(a, 0, stride, side);
      if (!b) return [ta, null, oa, []];
      const [tb, ob] = truncatePiece(b, 0, stride, side);
      return [ta, tb, oa, ob];
    }
    if (total <= max) return [a, b, [], []];
    const toRemove = total - max;
    if (strategy === 'longest_first') {
      if (!b) {
        const [ta, oa] = truncatePiece(a, total - toRemove, stride, side);
        return [ta, null, oa, []];
      }
      let n1 = la;
      let n2 = lb;
      const swap = n1 > n2;
      if (swap) [n1, n2] = [n2, n1];
      n2 = n1 > max ? n1 : Math.max(n1, max - n1);
      if (n1 + n2 > max) {
        n1 = Math.floor(max / 2);
        n2 = n1 + (max % 2);
      }
      if (swap) [n1, n2] = [n2, n1];
      const [ta, oa] = truncatePiece(a, n1, stride, side);
      const [tb, ob] = truncatePiece(b, n2, stride, side);
      return [ta, tb, oa, ob];
    }
    if (strategy !== 'only_first' && strategy !== 'only_second') {
      throw new TokenizerError('E_TRUNCATION', `unknown truncation strategy '${String(strategy)}'`);
    }
    const first = strategy === 'only_first';
    if (!first && !b) {
      throw new TokenizerError('E_TRUNCATION', "truncation strategy 'only_second' needs a pair");
    }
    const target = first ? a : b!;
    if (target.ids.length <= toRemove) {
      throw new TokenizerError(
        'E_TRUNCATION',
        `cannot truncate: the ${first ? 'first' : 'second'} sequence (${target.ids.length} tokens) is too short to remove ${toRemove}`,
      );
    }
    const [t, ov] = truncatePiece(target, target.ids.length - toRemove, stride, side);
    return first ? [t, b, ov, []] : [a, t, [], ov];
  }

  private padSpec(o: PaddingOptions): {
    id: number;
    typeId: number;
    side: 'right' | 'left';
    multiple: number;
  } {
    let id = o.padId;
    if (id === undefined) {
      const tok = o.padToken ?? this.special.pad;
      id = tok === undefined ? undefined : this.tokenToId(tok);
      if (id === undefined) {
        throw new TokenizerError(
          'E_PADDING',
          'padding needs a pad token: this tokenizer has none; pass padding.padId',
        );
      }
    }
    return { id, typeId: o.padTypeId ?? 0, side: o.side ?? 'right', multiple: o.padToMultipleOf ?? 0 };
  }

  /** Pad `enc` in place to `o.length` (a number) or to `longest`. */
  private pad(enc: Encoding, o: PaddingOptions, longest: number): void {
    const spec = this.padSpec(o);
    let target = o.length === undefined || o.length === 'longest' ? longest : o.length;
    if (!Number.isInteger(target) || target < 0) {
      throw new TokenizerError(
        'E_PADDING',
        `padding length must be a non-negative integer or 'longest', got ${String(o.length)}`,
      );
    }
    if (spec.multiple > 0 && target % spec.multiple !== 0) target += spec.multiple - (target % spec.multiple);
    padEncoding(enc, target, spec);
    for (const ov of enc.overflowing) padEncoding(ov, target, spec);
  }

  /** Encode many texts or pairs. Padding 'longest' pads to the longest of the batch. */
  encodeBatch(inputs: readonly BatchInput[], options: Omit<EncodeOptions, 'pair'> = {}): BatchEncoding {
    const trunc = this.resolveTruncation(options.truncation);
    const encodings: Encoding[] = new Array(inputs.length);
    let longest = 0;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      let text: string;
      let pair: string | null | undefined;
      if (typeof x === 'string') text = x;
      else if (Array.isArray(x)) [text, pair] = x;
      else if (x && typeof x === 'object') ({ text, textPair: pair } = x);
      else
        throw new TokenizerError(
          'E_INPUT',
          `batch item ${i} must be a string, a [text, pair] array or {text, textPair}`,
        );
      const e = this.encodeUnpadded(text, pair, options, trunc);
      encodings[i] = e;
      if (e.length > longest) longest = e.length;
    }
    const pad = this.resolvePadding(options.padding);
    if (pad) for (const e of encodings) this.pad(e, pad, longest);
    return new BatchEncoding(encodings, pad ? 0 : (this.padTokenId ?? 0));
  }

  // ---------------------------------------------------------------- decoding

  /** Ids back to text with the tokenizer's decoder (HF `decode`). Unknown ids are skipped. */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (skip && this.specialIds.has(id)) continue;
      const t = this.idToToken(id);
      if (t !== undefined) tokens.push(t);
    }
    return this.decoder.decode(tokens);
  }

  decodeBatch(batch: readonly ArrayLike<number>[], options: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }
}

function padEncoding(
  e: Encoding,
  target: number,
  spec: { id: number; typeId: number; side: 'right' | 'left' },
): void {
  const n = target - e.length;
  if (n <= 0) return;
  const right = spec.side === 'right';
  const add = (arr: number[], v: number, count: number) => {
    if (right) {
      for (let i = 0; i < count; i++) arr.push(v);
    } else {
      const old = arr.slice();
      arr.length = 0;
      for (let i = 0; i < count; i++) arr.push(v);
      for (const x of old) arr.push(x);
    }
  };
  add(e.inputIds, spec.id, n);
  add(e.tokenTypeIds, spec.typeId, n);
  add(e.attentionMask, 0, n);
  add(e.specialTokensMask, 1, n);
  add(e._words, -1, n);
  add(e._seq, -1, n);
  add(e._offsets, 0, 2 * n);
  if (e._names && !right) e._names.unshift(...new Array<undefined>(n));
}

const GUESS: Record<keyof SpecialTokens, string[]> = {
  unk: ['[UNK]', '<unk>'],
  cls: ['[CLS]', '<cls>'],
  sep: ['[SEP]', '<sep>'],
  pad: ['[PAD]', '<pad>'],
  mask: ['[MASK]', '<mask>'],
  bos: ['<s>', '[BOS]'],
  eos: ['</s>', '[EOS]'],
};

/** Special token names when no config says: the model's unk token, then the usual spellings among the added tokens. */
function guessSpecial(t: Tokenizer): SpecialTokens {
  const out: SpecialTokens = {};
  const added = new Set(t.addedTokens.map((a) => a.content));
  for (const k of Object.keys(GUESS) as (keyof SpecialTokens)[]) {
    const hit = GUESS[k].find((c) => added.has(c));
    if (hit) out[k] = hit;
  }
  if (t.model.vocab.has(t.model.unkToken)) out.unk = t.model.unkToken;
  return out;
}
