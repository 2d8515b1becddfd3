import { flags, NUMERIC, PUNCT, WORD, WS } from '../unicode.js';
import { type PreTokenizer, type SplitBehavior, splitByChar } from './types.js';

export type { PreTokenizer, SplitBehavior } from './types.js';

const WSP = WS | PUNCT;

/** HF `BertPreTokenizer`: split on whitespace (removed) and on punctuation (isolated). */
export class BertPreTokenizer implements PreTokenizer {
  splitRange(s: string, a: number, b: number, out: number[]): void {
    let start = a;
    for (let i = a; i < b; i++) {
      let cp = s.charCodeAt(i);
      let w = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < b) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      const f = flags(cp) & WSP;
      if (f !== 0) {
        if (i > start) out.push(start, i);
        if ((f & WS) === 0) out.push(i, i + w);
        start = i + w;
      }
      i += w - 1;
    }
    if (b > start) out.push(start, b);
  }
}

/** HF `Whitespace`: the regex `\w+|[^\w\s]+`. */
export class WhitespacePreTokenizer implements PreTokenizer {
  splitRange(s: string, a: number, b: number, out: number[]): void {
    let start = -1;
    let kind = 0; // 1 = word run, 2 = other run
    for (let i = a; i < b; i++) {
      let cp = s.charCodeAt(i);
      let w = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < b) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      const f = flags(cp);
      const k = f & WORD ? 1 : f & WS ? 0 : 2;
      if (k !== kind) {
        if (kind !== 0) out.push(start, i);
        kind = k;
        start = i;
      }
      i += w - 1;
    }
    if (kind !== 0) out.push(start, b);
  }
}

const isWs = (cp: number) => (flags(cp) & WS) !== 0;
const isPunct = (cp: number) => (flags(cp) & PUNCT) !== 0;
const isNumeric = (cp: number) => (flags(cp) & NUMERIC) !== 0;

/** HF `WhitespaceSplit`: split on whitespace, removing it. */
export class WhitespaceSplit implements PreTokenizer {
  splitRange(s: string, a: number, b: number, out: number[]): void {
    splitByChar(s, a, b, isWs, 'Removed', out);
  }
}

/** HF `Punctuation` (default behaviour: isolated). */
export class PunctuationPreTokenizer implements PreTokenizer {
  constructor(readonly behavior: SplitBehavior = 'Isolated') {}
  splitRange(s: string, a: number, b: number, out: number[]): void {
    splitByChar(s, a, b, isPunct, this.behavior, out);
  }
}

/** HF `Digits`: numbers as contiguous runs, or one digit per piece. */
export class DigitsPreTokenizer implements PreTokenizer {
  constructor(readonly individualDigits = false) {}
  splitRange(s: string, a: number, b: number, out: number[]): void {
    splitByChar(s, a, b, isNumeric, this.individualDigits ? 'Isolated' : 'Contiguous', out);
  }
}

/** Applies pre-tokenizers in order, each to every piece of the previous one. */
export class SequencePreTokenizer implements PreTokenizer {
  constructor(readonly pretokenizers: PreTokenizer[]) {}
  splitRange(s: string, a: number, b: number, out: number[]): void {
    let cur = [a, b];
    for (const p of this.pretokenizers) {
      const next: number[] = [];
      for (let k = 0; k < cur.length; k += 2) p.splitRange(s, cur[k]!, cur[k + 1]!, next);
      cur = next;
    }
    for (const x of cur) out.push(x);
  }
}
