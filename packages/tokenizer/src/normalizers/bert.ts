import { CHINESE, CONTROL, flags, isPrintableAscii, WS } from '../unicode.js';
import { lowerEach, stripMn } from './chars.js';
import { mapChars, type NormalizedString } from './normalized.js';
import type { Normalizer } from './types.js';

export interface BertNormalizerOptions {
  cleanText?: boolean;
  handleChineseChars?: boolean;
  /** `null`/`undefined`: follow `lowercase` (HF semantics). */
  stripAccents?: boolean | null;
  lowercase?: boolean;
}

const reOther = /[^\x20-\x7e\t\n\r]/;
const reTNR = /[\t\n\r]/;
const reTNRg = /[\t\n\r]/g;

/**
 * HF `BertNormalizer`: clean_text (drop controls, U+0000 and U+FFFD; whitespace -> ' '), spaces around CJK
 * ideographs, NFD + drop Mn (strip accents), per-character lowercase. Every step is per character, so it is applied
 * as one per-character mapping (cached per code point).
 */
export class BertNormalizer implements Normalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
  private readonly cache = new Map<number, string | null>();
  private readonly ascii: (string | undefined)[] = [];
  private readonly map = (cp: number): string | undefined => {
    if (cp < 128) return this.ascii[cp];
    let r = this.cache.get(cp);
    if (r === undefined) {
      r = this.compute(cp);
      this.cache.set(cp, r);
    }
    return r ?? undefined;
  };

  constructor(o: BertNormalizerOptions = {}) {
    this.cleanText = o.cleanText ?? true;
    this.handleChineseChars = o.handleChineseChars ?? true;
    this.lowercase = o.lowercase ?? true;
    this.stripAccents = o.stripAccents ?? this.lowercase;
    for (let cp = 0; cp < 128; cp++) this.ascii.push(this.compute(cp) ?? undefined);
  }

  private compute(cp: number): string | null {
    const f = flags(cp);
    const c = String.fromCodePoint(cp);
    let r = c;
    if (this.cleanText) {
      if (f & CONTROL) return '';
      if (f & WS) r = ' ';
    }
    if (this.stripAccents) r = stripMn(r);
    if (this.lowercase) r = lowerEach(r);
    if (this.handleChineseChars && f & CHINESE) r = ` ${r} `;
    return r === c ? null : r;
  }

  normalize(n: NormalizedString): NormalizedString {
    let s = n.s;
    if (isPrintableAscii(s) || (this.cleanText && !reOther.test(s))) {
      // ASCII without controls: clean_text only turns \t \n \r into spaces; nothing changes length.
      if (this.cleanText && reTNR.test(s)) s = s.replace(reTNRg, ' ');
      if (this.lowercase) s = s.toLowerCase();
      return s === n.s ? n : { s, base: n.base, starts: n.starts, ends: n.ends };
    }
    return mapChars(n, this.map);
  }
}
