/**
 * Character classes used by the normalizers and pre-tokenizers, as the HF `tokenizers` crate defines them.
 * Computed lazily per code point and cached in one flag table (ASCII is pre-filled).
 */

export const WS = 1; // char::is_whitespace (White_Space), plus \t \n \r
export const PUNCT = 2; // BERT punctuation: ASCII punctuation or Unicode P*
export const CONTROL = 4; // BERT clean_text removal: Cc/Cf/Co except \t \n \r, NUL, U+FFFD
export const CHINESE = 8; // BERT _is_chinese_char ranges
export const MN = 16; // General_Category Mn
export const MARK = 32; // General_Category M (Mn, Mc, Me)
export const WORD = 64; // regex \w (Unicode): Alphabetic, M, Nd, Pc, Join_Control
export const NUMERIC = 128; // char::is_numeric: N*
export const ALNUM = 256; // char::is_alphanumeric || '_' (added-token single_word boundaries)
const DONE = 0x8000;

const table = new Uint16Array(0x110000);

const reP = /^\p{P}$/u;
const reCtl = /^[\p{Cc}\p{Cf}\p{Co}]$/u;
const reMn = /^\p{Mn}$/u;
const reM = /^\p{M}$/u;
const reWord = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
const reN = /^\p{N}$/u;
const reAlnum = /^[\p{Alphabetic}\p{N}_]$/u;

export function isWhitespaceCp(cp: number): boolean {
  return (
    (cp >= 9 && cp <= 13) ||
    cp === 0x20 ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

export function isChineseCp(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function compute(cp: number): number {
  // Lone surrogates are treated as U+FFFD (what they become on the way into the Rust library).
  const c = String.fromCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
  let f = DONE;
  if (isWhitespaceCp(cp)) f |= WS;
  const asciiPunct =
    (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  if (asciiPunct || reP.test(c)) f |= PUNCT;
  if (
    cp !== 9 &&
    cp !== 10 &&
    cp !== 13 &&
    (reCtl.test(c) || cp === 0 || cp === 0xfffd || (cp >= 0xd800 && cp <= 0xdfff))
  )
    f |= CONTROL;
  if (isChineseCp(cp)) f |= CHINESE;
  if (reMn.test(c)) f |= MN;
  if (reM.test(c)) f |= MARK;
  if (reWord.test(c)) f |= WORD;
  if (reN.test(c)) f |= NUMERIC;
  if (reAlnum.test(c)) f |= ALNUM;
  return f;
}

/** Flags of a code point (see the constants above). */
export function flags(cp: number): number {
  const f = table[cp]!;
  if (f !== 0) return f;
  const g = compute(cp);
  table[cp] = g;
  return g;
}

for (let i = 0; i < 128; i++) flags(i);

/** The code point at `i` (a lone surrogate is returned as is). */
export function cpAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

const reNonPrintableAscii = /[^\x20-\x7e]/;
/** True when every char is printable ASCII (0x20..0x7e): most fast paths need exactly this. */
export function isPrintableAscii(s: string): boolean {
  return !reNonPrintableAscii.test(s);
}

const reNonAscii = /[^\x00-\x7f]/;
export function isAscii(s: string): boolean {
  return !reNonAscii.test(s);
}

type WellFormed = { isWellFormed?: () => boolean; toWellFormed?: () => string };
const reLone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replace lone surrogates by U+FFFD (same length, so offsets are unchanged). */
export function toWellFormed(s: string): string {
  const w = s as unknown as WellFormed;
  if (w.isWellFormed) return w.isWellFormed() ? s : w.toWellFormed!();
  return s.replace(reLone, '\ufffd');
}

/** UTF-16 index -> code-point index converter for `s` (identity when `s` has no surrogates). */
export function utf16ToCodePoint(s: string): ((i: number) => number) | null {
  if (!/[\ud800-\udfff]/.test(s)) return null;
  const map = new Int32Array(s.length + 1);
  let cp = 0;
  for (let i = 0; i < s.length; i++) {
    map[i] = cp;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        map[i + 1] = cp;
        i++;
      }
    }
    cp++;
  }
  map[s.length] = cp;
  return (i: number) => map[i]!;
}
