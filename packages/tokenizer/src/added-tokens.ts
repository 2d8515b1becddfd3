import { ALNUM, flags, WS } from './unicode.js';

/** A token matched in the text before the model runs (HF `AddedToken`). */
export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Finds added tokens in text with leftmost-longest matching (as HF's Aho-Corasick does), applying `single_word`,
 * `lstrip` and `rstrip`.
 */
export class AddedTokenMatcher {
  readonly tokens: AddedToken[];
  private readonly re: RegExp | null;
  private readonly byContent = new Map<string, AddedToken>();
  private readonly firstChars: string[];

  constructor(tokens: AddedToken[]) {
    this.tokens = tokens.filter((t) => t.content.length > 0);
    for (const t of this.tokens) this.byContent.set(t.content, t);
    const sorted = [...this.byContent.keys()].sort((a, b) => b.length - a.length);
    this.re = sorted.length ? new RegExp(sorted.map(escapeRegex).join('|'), 'g') : null;
    this.firstChars = [...new Set(sorted.map((c) => c[0]!))];
  }

  get empty(): boolean {
    return this.re === null;
  }

  /**
   * Matches in `s[from, to)`, as flat `[start, end, tokenIndexIntoTokens...]` triples: `[start, end, id]`.
   * Returns null when there is none.
   */
  find(s: string, from = 0, to = s.length): number[] | null {
    const re = this.re;
    if (re === null) return null;
    let any = false;
    for (const c of this.firstChars) {
      const i = s.indexOf(c, from);
      if (i >= 0 && i < to) {
        any = true;
        break;
      }
    }
    if (!any) return null;
    const out: number[] = [];
    let lastEnd = from;
    re.lastIndex = from;
    for (let m = re.exec(s); m !== null && m.index < to; m = re.exec(s)) {
      let start = m.index;
      let stop = start + m[0].length;
      if (stop > to) break;
      const t = this.byContent.get(m[0])!;
      if (t.singleWord) {
        const before =
          start > from ? s.codePointAt(start - 1 - (isLow(s.charCodeAt(start - 1)) ? 1 : 0))! : -1;
        const after = stop < to ? s.codePointAt(stop)! : -1;
        if ((before >= 0 && flags(before) & ALNUM) || (after >= 0 && flags(after) & ALNUM)) {
          re.lastIndex = start + 1;
          continue;
        }
      }
      if (t.lstrip) while (start > lastEnd && flags(s.charCodeAt(start - 1)) & WS) start--;
      if (t.rstrip) while (stop < to && flags(s.charCodeAt(stop)) & WS) stop++;
      out.push(start, stop, t.id);
      lastEnd = stop;
      re.lastIndex = stop;
    }
    return out.length ? out : null;
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
