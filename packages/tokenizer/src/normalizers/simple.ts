import { flags, isAscii, isWhitespaceCp, MARK } from '../unicode.js';
import { lowerChar } from './chars.js';
import { endOf, mapChars, type NormalizedString, sliceNormalized, startOf } from './normalized.js';
import type { Normalizer } from './types.js';

/** Per-character lowercase (Rust `char::to_lowercase`: no final sigma). */
export class Lowercase implements Normalizer {
  normalize(n: NormalizedString): NormalizedString {
    const l = n.s.toLowerCase();
    if (l.length === n.s.length && n.s.indexOf('\u03a3') < 0)
      return { s: l, base: n.base, starts: n.starts, ends: n.ends };
    return mapChars(n, lowerChar);
  }
}

/** HF `StripAccents`: removes combining marks (General_Category M). Usually used after NFD/NFKD. */
export class StripAccents implements Normalizer {
  private readonly map = (cp: number): string | undefined => ((flags(cp) & MARK) !== 0 ? '' : undefined);
  normalize(n: NormalizedString): NormalizedString {
    if (isAscii(n.s)) return n;
    return mapChars(n, this.map);
  }
}

/** HF `Strip`: removes leading/trailing whitespace. */
export class Strip implements Normalizer {
  constructor(
    readonly left = true,
    readonly right = true,
  ) {}
  normalize(n: NormalizedString): NormalizedString {
    const s = n.s;
    let a = 0;
    let b = s.length;
    if (this.left) while (a < b && isWhitespaceCp(s.codePointAt(a)!)) a += s.codePointAt(a)! > 0xffff ? 2 : 1;
    if (this.right) while (b > a && isWhitespaceCp(s.charCodeAt(b - 1))) b--;
    return sliceNormalized(n, a, b);
  }
}

/** HF `Prepend`: prefixes non-empty text; the new chars are aligned with the first char. */
export class Prepend implements Normalizer {
  constructor(readonly prepend: string) {}
  normalize(n: NormalizedString): NormalizedString {
    if (n.s.length === 0 || this.prepend.length === 0) return n;
    const out = this.prepend + n.s;
    const k = this.prepend.length;
    const st = new Int32Array(out.length);
    const en = new Int32Array(out.length);
    const w = n.s.codePointAt(0)! > 0xffff ? 2 : 1;
    st.fill(startOf(n, 0), 0, k);
    en.fill(endOf(n, w - 1), 0, k);
    for (let i = 0; i < n.s.length; i++) {
      st[k + i] = startOf(n, i);
      en[k + i] = endOf(n, i);
    }
    return { s: out, base: n.base, starts: st, ends: en };
  }
}

/** Applies normalizers in order. */
export class SequenceNormalizer implements Normalizer {
  constructor(readonly normalizers: Normalizer[]) {}
  normalize(n: NormalizedString): NormalizedString {
    for (const x of this.normalizers) n = x.normalize(n);
    return n;
  }
}
