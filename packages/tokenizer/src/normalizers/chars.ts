import { flags, MN } from '../unicode.js';

const lowerCache = new Map<number, string | null>();

/** Rust's `char::to_lowercase` for one code point (no final-sigma context); `undefined` when unchanged. */
export function lowerChar(cp: number): string | undefined {
  let r = lowerCache.get(cp);
  if (r === undefined) {
    const c = String.fromCodePoint(cp);
    const l = c.toLowerCase();
    r = l === c ? null : l;
    lowerCache.set(cp, r);
  }
  return r ?? undefined;
}

/** Lowercase each code point of `s` on its own (as Rust does: 'Σ' always becomes 'σ'). */
export function lowerEach(s: string): string {
  let out = '';
  for (const ch of s) {
    const l = lowerChar(ch.codePointAt(0)!);
    out += l ?? ch;
  }
  return out;
}

/** NFD of `s` with the Mn characters removed (BERT `strip_accents`). */
export function stripMn(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFD')) {
    if ((flags(ch.codePointAt(0)!) & MN) === 0) out += ch;
  }
  return out;
}
