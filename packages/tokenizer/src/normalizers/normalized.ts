import { cpAt } from '../unicode.js';

/**
 * A normalised string and its alignment to the original text.
 *
 * `starts[i]`/`ends[i]` give, for UTF-16 unit `i` of `s`, the original `[start, end)` range (absolute UTF-16 indices into
 * the original text) of the character it came from. `null` means the identity: unit `i` is original unit `base + i`.
 * The alignment rules follow HF `tokenizers`' `NormalizedString`: every character produced from an original character
 * is aligned to that whole character; inserted characters take the alignment of the character before them.
 */
export interface NormalizedString {
  s: string;
  base: number;
  starts: Int32Array | null;
  ends: Int32Array | null;
}

export function identity(s: string, base: number): NormalizedString {
  return { s, base, starts: null, ends: null };
}

export function startOf(n: NormalizedString, i: number): number {
  return n.starts ? n.starts[i]! : n.base + i;
}

export function endOf(n: NormalizedString, i: number): number {
  return n.ends ? n.ends[i]! : n.base + i + 1;
}

/** Copy units `[from, to)` of `n`'s alignment into `st`/`en` at `at`. */
function copyAlign(
  n: NormalizedString,
  from: number,
  to: number,
  st: Int32Array,
  en: Int32Array,
  at: number,
): void {
  if (n.starts) {
    st.set(n.starts.subarray(from, to), at);
    en.set(n.ends!.subarray(from, to), at);
  } else {
    for (let i = from; i < to; i++) {
      st[at] = n.base + i;
      en[at++] = n.base + i + 1;
    }
  }
}

/** Fill `[at, at + count)` with one alignment. */
function fillAlign(st: Int32Array, en: Int32Array, at: number, count: number, s0: number, e0: number): void {
  for (let i = at; i < at + count; i++) {
    st[i] = s0;
    en[i] = e0;
  }
}

/**
 * Apply a per-character mapping. `map(cp)` returns the replacement text of the character, or `undefined` to keep it.
 * Every produced character is aligned to its source character.
 */
export function mapChars(n: NormalizedString, map: (cp: number) => string | undefined): NormalizedString {
  const s = n.s;
  const len = s.length;
  let out = '';
  let last = 0; // start of the pending unchanged run
  let sameLength = true;
  let changed = false;
  for (let i = 0; i < len; ) {
    const cp = cpAt(s, i);
    const w = cp > 0xffff ? 2 : 1;
    const r = map(cp);
    if (r !== undefined) {
      changed = true;
      if (r.length !== w) sameLength = false;
      out += s.slice(last, i) + r;
      last = i + w;
    }
    i += w;
  }
  if (!changed) return n;
  out += s.slice(last);
  if (sameLength) return { s: out, base: n.base, starts: n.starts, ends: n.ends };
  // Second pass for the alignment.
  const st = new Int32Array(out.length);
  const en = new Int32Array(out.length);
  let o = 0;
  for (let i = 0; i < len; ) {
    const cp = cpAt(s, i);
    const w = cp > 0xffff ? 2 : 1;
    const r = map(cp);
    const k = r === undefined ? w : r.length;
    fillAlign(st, en, o, k, startOf(n, i), endOf(n, i + w - 1));
    o += k;
    i += w;
  }
  return { s: out, base: n.base, starts: st, ends: en };
}

/**
 * Replace matched ranges (sorted, non-overlapping `[start, end)` pairs in `n.s`) by `content`. As in HF, the inserted
 * characters take the alignment of the last matched character.
 */
export function replaceRanges(n: NormalizedString, ranges: number[], content: string): NormalizedString {
  if (ranges.length === 0) return n;
  const s = n.s;
  let out = '';
  let last = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    out += s.slice(last, ranges[k]) + content;
    last = ranges[k + 1]!;
  }
  out += s.slice(last);
  const st = new Int32Array(out.length);
  const en = new Int32Array(out.length);
  let o = 0;
  last = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    const a = ranges[k]!;
    const b = ranges[k + 1]!;
    copyAlign(n, last, a, st, en, o);
    o += a - last;
    if (content.length > 0) {
      // HF: an inserted char shares the alignment of the byte before it, i.e. the last replaced char;
      // with an empty match at 0 it is (0, 0).
      const s0 = b > 0 ? startOf(n, b - 1) : 0;
      const e0 = b > 0 ? endOf(n, b - 1) : 0;
      fillAlign(st, en, o, content.length, s0, e0);
      o += content.length;
    }
    last = b;
  }
  copyAlign(n, last, s.length, st, en, o);
  return { s: out, base: n.base, starts: st, ends: en };
}

/** Keep units `[from, to)`. */
export function sliceNormalized(n: NormalizedString, from: number, to: number): NormalizedString {
  if (from === 0 && to === n.s.length) return n;
  const s = n.s.slice(from, to);
  if (!n.starts) return { s, base: n.base + from, starts: null, ends: null };
  return { s, base: n.base, starts: n.starts.slice(from, to), ends: n.ends!.slice(from, to) };
}

/**
 * Replace the whole string by `out`, a re-ordering/re-composition of it, aligning each output char with `units[i]`
 * (the index of the source unit it comes from, or -1 for "the union of `[lo, hi)`").
 */
export function withAlignment(
  n: NormalizedString,
  out: string,
  srcStart: Int32Array,
  srcEnd: Int32Array,
): NormalizedString {
  const st = new Int32Array(out.length);
  const en = new Int32Array(out.length);
  for (let i = 0; i < out.length; i++) {
    st[i] = startOf(n, srcStart[i]!);
    en[i] = endOf(n, srcEnd[i]!);
  }
  return { s: out, base: n.base, starts: st, ends: en };
}
