import { flags, isAscii, MARK } from '../unicode.js';
import { endOf, mapChars, type NormalizedString, startOf, withAlignment } from './normalized.js';
import type { Normalizer } from './types.js';

type Form = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/** Source unit ranges of a normalised string (one [start unit, end unit] per output unit). */
function unitSources(n: NormalizedString): { st: Int32Array; en: Int32Array } {
  const st = new Int32Array(n.s.length);
  const en = new Int32Array(n.s.length);
  for (let i = 0; i < n.s.length; i++) {
    st[i] = startOf(n, i);
    en[i] = endOf(n, i);
  }
  return { st, en };
}

/** Unicode normalisation with alignment. Decomposition is done per character; composition per combining sequence. */
export class UnicodeNormalizer implements Normalizer {
  private readonly cache = new Map<number, string | null>();
  private readonly decompose = (cp: number): string | undefined => {
    let r = this.cache.get(cp);
    if (r === undefined) {
      const c = String.fromCodePoint(cp);
      const d = c.normalize(this.form);
      r = d === c ? null : d;
      this.cache.set(cp, r);
    }
    return r ?? undefined;
  };

  constructor(readonly form: Form) {}

  normalize(n: NormalizedString): NormalizedString {
    if (isAscii(n.s)) return n;
    const full = n.s.normalize(this.form);
    if (full === n.s) return n;
    return this.form === 'NFD' || this.form === 'NFKD' ? this.decomposed(n, full) : this.composed(n, full);
  }

  private decomposed(n: NormalizedString, full: string): NormalizedString {
    const per = mapChars(n, this.decompose);
    if (per.s === full) return per;
    // Canonical reordering moved combining marks: realign each output unit with an equal unit of the same run.
    const src = unitSources(per);
    const st = new Int32Array(full.length);
    const en = new Int32Array(full.length);
    const used = new Uint8Array(full.length);
    for (let i = 0; i < full.length; i++) {
      let q = i;
      if (per.s.charCodeAt(i) !== full.charCodeAt(i) || used[i]) {
        q = -1;
        for (let j = Math.max(0, i - 64); j < Math.min(full.length, i + 64); j++) {
          if (!used[j] && per.s.charCodeAt(j) === full.charCodeAt(i)) {
            q = j;
            break;
          }
        }
        if (q < 0) q = Math.min(i, full.length - 1);
      }
      used[q] = 1;
      st[i] = src.st[q]!;
      en[i] = src.en[q]!;
    }
    return { s: full, base: n.base, starts: st, ends: en };
  }

  private composed(n: NormalizedString, full: string): NormalizedString {
    // Chunks: a character and the marks / Hangul vowel and trailing jamo that follow it.
    const s = n.s;
    const bounds: number[] = [0];
    for (let i = 0; i < s.length; ) {
      const cp = s.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      const joins =
        (flags(cp) & MARK) !== 0 || (cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff);
      if (i > 0 && !joins) bounds.push(i);
      i += w;
    }
    bounds.push(s.length);
    let out = '';
    const srcS: number[] = [];
    const srcE: number[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const a = bounds[k]!;
      const b = bounds[k + 1]!;
      if (a === b) continue;
      const chunk = s.slice(a, b);
      const c = chunk.normalize(this.form);
      out += c;
      if (c === chunk) {
        for (let i = a; i < b; i++) {
          srcS.push(i);
          srcE.push(i);
        }
      } else {
        // As HF: a composed char is aligned with the first char it absorbs; chars kept as they were keep their own.
        const src: [number, number][] = [];
        for (let i = a; i < b; ) {
          const w = s.codePointAt(i)! > 0xffff ? 2 : 1;
          src.push([i, i + w - 1]);
          i += w;
        }
        const outCps = [...c];
        let j = 0;
        for (let q = 0; q < outCps.length; q++) {
          const ch = outCps[q]!;
          const at = src[Math.min(j, src.length - 1)]!;
          for (let x = 0; x < ch.length; x++) {
            srcS.push(at[0]);
            srcE.push(at[1]);
          }
          const same = j < src.length && s.slice(src[j]![0], src[j]![1] + 1) === ch;
          j++;
          if (!same) {
            const next = outCps[q + 1];
            while (j < src.length && (next === undefined || s.slice(src[j]![0], src[j]![1] + 1) !== next))
              j++;
          }
        }
      }
    }
    if (out !== full) {
      // Composition across chunks: align everything with the whole text.
      return withAlignment(
        n,
        full,
        new Int32Array(full.length),
        new Int32Array(full.length).fill(s.length - 1),
      );
    }
    return withAlignment(n, out, Int32Array.from(srcS), Int32Array.from(srcE));
  }
}
