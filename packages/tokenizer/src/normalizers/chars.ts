import { flags, MN } from '../unicode.js';

/**
 * A per-code-point mapping for `mapChars`, computed once per code point: `compute` returns the replacement text, or
 * `null` to keep the character (the mapping then returns `undefined`).
 */
export function cachedCharMap(compute: (cp: number) => string | null): (cp: number) => string | undefined {
  const cache = new Map<number, string | null>();
  return (cp) => {
    let r = cache.get(cp);
    if (r === undefined) {
      r = compute(cp);
      cache.set(cp, r);
    }
    return r ?? undefined;
  };
}

/** Rust's `char::to_lowercase` for one code point (no final-sigma context); `undefined` when unchanged. */
export const lowerChar = cachedCharMap((cp) => {
  const c = String.fromCodePoint(cp);
  const l = c.toLowerCase();
  return l === c ? null : l;
});

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
