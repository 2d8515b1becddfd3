import { TokenizerError } from '../errors.js';
import { type NormalizedString, replaceRanges } from './normalized.js';
import type { Normalizer } from './types.js';

const W = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';

/**
 * Translate a Rust/Oniguruma regex (as found in tokenizer.json) to a JS `u` regex: `\x{..}` escapes and the
 * Unicode meaning of `\w`, `\d`, `\s`.
 */
export function translateRegex(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) {
      const d = src[i + 1]!;
      i++;
      if (d === 'x' && src[i + 1] === '{') {
        const close = src.indexOf('}', i);
        out += `\\u{${src.slice(i + 2, close)}}`;
        i = close;
      } else if (d === 'w') out += inClass ? W : `[${W}]`;
      else if (d === 'W' && !inClass) out += `[^${W}]`;
      else if (d === 'd') out += '\\p{Nd}';
      else if (d === 'D' && !inClass) out += '\\P{Nd}';
      else if (d === 's') out += '\\p{White_Space}';
      else if (d === 'S' && !inClass) out += '\\P{White_Space}';
      else out += `\\${d}`;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

export function compileRegex(src: string): RegExp {
  try {
    return new RegExp(translateRegex(src), 'gu');
  } catch (e) {
    throw new TokenizerError(
      'E_TOKENIZER_JSON',
      `unsupported regex pattern ${JSON.stringify(src)}: ${(e as Error).message}`,
    );
  }
}

/** HF `Replace` with a string or a regex pattern. */
export class Replace implements Normalizer {
  private readonly regex: RegExp | null;
  constructor(
    readonly pattern: { String: string } | { Regex: string },
    readonly content: string,
  ) {
    this.regex = 'Regex' in pattern ? compileRegex(pattern.Regex) : null;
  }

  /** Sorted non-overlapping match ranges. */
  findMatches(s: string): number[] {
    const ranges: number[] = [];
    if (this.regex) {
      const re = this.regex;
      re.lastIndex = 0;
      for (let m = re.exec(s); m !== null; m = re.exec(s)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        ranges.push(m.index, m.index + m[0].length);
      }
    } else {
      const p = (this.pattern as { String: string }).String;
      if (p.length === 0) return ranges;
      for (let i = s.indexOf(p); i >= 0; i = s.indexOf(p, i + p.length)) ranges.push(i, i + p.length);
    }
    return ranges;
  }

  normalize(n: NormalizedString): NormalizedString {
    return replaceRanges(n, this.findMatches(n.s), this.content);
  }
}
