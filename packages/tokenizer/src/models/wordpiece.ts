import { TokenizerError } from '../errors.js';

export interface WordPieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
  /** Words cached (per tokenizer); the cache is cleared when full. 0 disables it. */
  cacheSize?: number;
}

/**
 * HF `WordPiece`: greedy longest-match-first over the vocabulary, `[UNK]` for a word with no full split or with more
 * than `maxInputCharsPerWord` code points (counted on the normalised word).
 */
export class WordPiece {
  readonly vocab: Map<string, number>;
  readonly unkToken: string;
  readonly unkId: number;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly maxPieceLen: number;
  private readonly cache = new Map<string, Int32Array>();
  private readonly cacheSize: number;

  constructor(vocab: Map<string, number>, o: WordPieceOptions = {}) {
    this.vocab = vocab;
    this.unkToken = o.unkToken ?? '[UNK]';
    this.prefix = o.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = o.maxInputCharsPerWord ?? 100;
    this.cacheSize = o.cacheSize ?? 65536;
    const unk = vocab.get(this.unkToken);
    this.unkId = unk ?? -1;
    let m = 0;
    for (const k of vocab.keys()) {
      const l = k.startsWith(this.prefix) ? Math.max(k.length - this.prefix.length, k.length) : k.length;
      if (l > m) m = l;
    }
    this.maxPieceLen = m;
  }

  /** Ids and end offsets (UTF-16, relative to the word) of the pieces of `word`: `[id0, end0, id1, end1, ...]`. */
  tokenize(word: string): Int32Array {
    let r = this.cache.get(word);
    if (r !== undefined) return r;
    r = this.compute(word);
    if (this.cacheSize > 0) {
      if (this.cache.size >= this.cacheSize) this.cache.clear();
      this.cache.set(word, r);
    }
    return r;
  }

  private unk(word: string): Int32Array {
    if (this.unkId < 0) {
      throw new TokenizerError(
        'E_MISSING_UNK',
        `WordPiece unk_token ${JSON.stringify(this.unkToken)} is not in the vocabulary`,
      );
    }
    return Int32Array.of(this.unkId, word.length);
  }

  private compute(word: string): Int32Array {
    const len = word.length;
    if (len > this.maxInputCharsPerWord) {
      let cps = 0;
      for (let i = 0; i < len; i++) {
        const c = word.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
          const d = word.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) i++;
        }
        cps++;
      }
      if (cps > this.maxInputCharsPerWord) return this.unk(word);
    }
    const out: number[] = [];
    const vocab = this.vocab;
    let start = 0;
    while (start < len) {
      let end = Math.min(len, start + this.maxPieceLen);
      let id: number | undefined;
      while (start < end) {
        const sub = start > 0 ? this.prefix + word.slice(start, end) : word.slice(start, end);
        id = vocab.get(sub);
        if (id !== undefined) break;
        end--;
      }
      if (id === undefined) return this.unk(word);
      out.push(id, end);
      start = end;
    }
    return Int32Array.from(out);
  }
}
