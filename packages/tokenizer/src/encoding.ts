/** One encoded text (or pair). Array fields are plain arrays; `tokens`, `offsets` and `wordIds` are built on first use. */
export class Encoding {
  /** Token ids. */
  readonly inputIds: number[];
  readonly tokenTypeIds: number[];
  /** 1 for real tokens, 0 for padding. */
  readonly attentionMask: number[];
  /** 1 for tokens added by the post-processor (and padding), 0 for tokens from the text. */
  readonly specialTokensMask: number[];
  /** Encodings of the parts cut off by truncation (with `stride` overlap), each post-processed. */
  readonly overflowing: Encoding[];
  /** @internal flat `[start, end]` pairs */
  readonly _offsets: number[];
  /** @internal word index per token, -1 for none */
  readonly _words: number[];
  /** @internal sequence index per token, -1 for special tokens */
  readonly _seq: number[];
  /** @internal token strings that differ from the vocabulary's, by index */
  _names: (string | undefined)[] | undefined;
  private readonly vocab: readonly string[];
  private _tokens: string[] | undefined;
  private _offsetPairs: [number, number][] | undefined;

  constructor(
    ids: number[],
    typeIds: number[],
    mask: number[],
    special: number[],
    offsets: number[],
    words: number[],
    seq: number[],
    vocab: readonly string[],
    overflowing: Encoding[] = [],
    names?: (string | undefined)[],
  ) {
    this._names = names;
    this.inputIds = ids;
    this.tokenTypeIds = typeIds;
    this.attentionMask = mask;
    this.specialTokensMask = special;
    this._offsets = offsets;
    this._words = words;
    this._seq = seq;
    this.vocab = vocab;
    this.overflowing = overflowing;
  }

  get length(): number {
    return this.inputIds.length;
  }

  /** Token strings. */
  get tokens(): string[] {
    if (this._tokens === undefined) {
      const v = this.vocab;
      const names = this._names;
      this._tokens = this.inputIds.map((id, i) => names?.[i] ?? v[id] ?? '');
    }
    return this._tokens;
  }

  /** `[start, end)` per token into the text it came from (the pair's second text for its tokens); `[0, 0]` for special tokens. */
  get offsets(): [number, number][] {
    if (this._offsetPairs === undefined) {
      const o = this._offsets;
      const r: [number, number][] = new Array(o.length / 2);
      for (let i = 0; i < r.length; i++) r[i] = [o[2 * i]!, o[2 * i + 1]!];
      this._offsetPairs = r;
    }
    return this._offsetPairs;
  }

  /** Index of the word (pre-tokenizer piece) each token comes from; `null` for special tokens and padding. */
  get wordIds(): (number | null)[] {
    return this._words.map((w) => (w < 0 ? null : w));
  }

  /** 0 or 1: which text of the pair each token comes from; `null` for special tokens and padding. */
  get sequenceIds(): (number | null)[] {
    return this._seq.map((w) => (w < 0 ? null : w));
  }
}
