/**
 * A pre-tokenizer splits the normalised string into words. Words are `[start, end)` UTF-16 ranges of the normalised
 * string, stored flat in a number array; `splitRange` splits one range and appends the pieces to `out`.
 * Empty pieces are never produced.
 */
export interface PreTokenizer {
  splitRange(s: string, a: number, b: number, out: number[]): void;
}

export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/** Split `[a, b)` at every character for which `isDelim(cp)` holds, with HF's delimiter behaviours. */
export function splitByChar(
  s: string,
  a: number,
  b: number,
  isDelim: (cp: number) => boolean,
  behavior: SplitBehavior,
  out: number[],
): void {
  let start = a; // start of the pending piece
  let i = a;
  let prevDelim = false;
  while (i < b) {
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff && i + 1 < b ? 2 : 1;
    if (isDelim(cp)) {
      switch (behavior) {
        case 'Removed':
          if (i > start) out.push(start, i);
          start = i + w;
          break;
        case 'Isolated':
          if (i > start) out.push(start, i);
          out.push(i, i + w);
          start = i + w;
          break;
        case 'MergedWithPrevious':
          out.push(start, i + w);
          start = i + w;
          break;
        case 'MergedWithNext':
          if (i > start) out.push(start, i);
          start = i;
          break;
        case 'Contiguous':
          if (!prevDelim && i > start) {
            out.push(start, i);
            start = i;
          }
          break;
      }
      prevDelim = true;
    } else {
      if (behavior === 'Contiguous' && prevDelim && i > start) {
        out.push(start, i);
        start = i;
      }
      prevDelim = false;
    }
    i += w;
  }
  if (b > start) out.push(start, b);
}
