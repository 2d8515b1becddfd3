import { CHINESE, CONTROL, flags, isPrintableAscii, MN, WS } from '../unicode.js';
import { cachedCharMap, lowerChar, lowerEach, stripMn } from './chars.js';
import { mapChars, type NormalizedString } from './normalized.js';
import type { Normalizer } from './types.js';
import { decomposeAligned, reordersUnderNfd } from './unicode-forms.js';

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
 * Reordering across characters needs a character whose decomposition starts with a non-starter, and those are all
 * marks: text without one takes the per-character path at the cost of this test.
 */
const reMark = /\p{M}/u;
const dropMn = (cp: number): string | undefined => ((flags(cp) & MN) !== 0 ? '' : undefined);

/**
 * HF `BertNormalizer`: clean_text (drop controls, U+0000 and U+FFFD; whitespace -> ' '), spaces around CJK
 * ideographs, NFD + drop Mn (strip accents), per-character lowercase. Every step is per character, so it is applied
 * as one per-character mapping (cached per code point), except where NFD's canonical reordering moves marks between
 * characters: HF normalises the whole string, so those texts take the steps one by one with HF's alignment.
 */
export class BertNormalizer implements Normalizer {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
  private readonly ascii: (string | undefined)[] = [];
  private readonly cached = cachedCharMap((cp) => this.compute(cp));
  private readonly map = (cp: number): string | undefined => (cp < 128 ? this.ascii[cp] : this.cached(cp));
  /** clean_text and the CJK spacing alone (the steps before NFD). */
  private readonly spacing = cachedCharMap((cp) => this.compute(cp, false));

  constructor(o: BertNormalizerOptions = {}) {
    this.cleanText = o.cleanText ?? true;
    this.handleChineseChars = o.handleChineseChars ?? true;
    this.lowercase = o.lowercase ?? true;
    this.stripAccents = o.stripAccents ?? this.lowercase;
    for (let cp = 0; cp < 128; cp++) this.ascii.push(this.compute(cp) ?? undefined);
  }

  private compute(cp: number, accentsAndCase = true): string | null {
    const f = flags(cp);
    const c = String.fromCodePoint(cp);
    let r = c;
    if (this.cleanText) {
      if (f & CONTROL) return '';
      if (f & WS) r = ' ';
    }
    if (accentsAndCase && this.stripAccents) r = stripMn(r);
    if (accentsAndCase && this.lowercase) r = lowerEach(r);
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
    if (this.stripAccents && reMark.test(s)) {
      const pre = mapChars(n, this.spacing);
      if (reordersUnderNfd(pre.s)) {
        const stripped = mapChars(decomposeAligned(pre, 'NFD'), dropMn);
        return this.lowercase ? mapChars(stripped, lowerChar) : stripped;
      }
    }
    return mapChars(n, this.map);
  }
}
