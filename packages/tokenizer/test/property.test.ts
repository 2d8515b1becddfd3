import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Encoding, TokenizerError } from '../src/index.js';
import { fromFile } from '../src/node.js';
import { MODELS, tokenizerPath } from './helpers.js';
import { Rust } from './rust.js';

const toks = MODELS.map((m) => [m, fromFile(tokenizerPath(m))] as const);

const pieces = [
  'a',
  'Z',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u3000',
  '\u2028',
  '\u0000',
  '\u0007',
  '\u200b',
  '\u00ad',
  '\ufeff',
  '\ufffd',
  '\ue000',
  '\ufdd0',
  '\uffff',
  '\u0301',
  '\u0323',
  '\u0338',
  'e\u0301',
  'é',
  'İ',
  'Σ',
  'ß',
  'ǅ',
  'ﬁ',
  'Ω',
  '中',
  '文',
  '𠀀',
  '한',
  'ひ',
  '😀',
  '👨‍👩‍👧',
  '🇫🇷',
  '.',
  ',',
  '!',
  '-',
  "'",
  '`',
  '``',
  "''",
  '$',
  '¿',
  '«',
  '٣',
  '7',
  '[MASK]',
  '[SEP]',
  '<mask>',
  '<pad>',
  '##',
  'straße',
  'unbelievable',
];
const loneSurrogates = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
const nasty = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...pieces) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 1, arbitrary: loneSurrogates },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.array(nasty, { maxLength: 40 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'é', 'e\u0301', '中', '😀', 'xyz'), fc.integer({ min: 90, max: 260 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

function codePoints(s: string): number {
  return [...s].length;
}

/** Offsets are inside the text, ordered, and never split a surrogate pair (UTF-16) . */
function checkOffsets(e: Encoding, t: string, p: string | null, unit: 'utf16' | 'codepoint'): void {
  const seqs = e.sequenceIds;
  const lastStart = [0, 0];
  e.offsets.forEach(([s, end], i) => {
    const seq = seqs[i];
    if (seq === null || seq === undefined) {
      expect([s, end]).toEqual([0, 0]);
      return;
    }
    const src = seq === 0 ? t : p!;
    const len = unit === 'utf16' ? src.length : codePoints(src);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThanOrEqual(end);
    expect(end).toBeLessThanOrEqual(len);
    expect(s).toBeGreaterThanOrEqual(lastStart[seq]!);
    lastStart[seq] = s;
    if (unit === 'utf16') {
      const low = (k: number) =>
        k > 0 && k < src.length && /[\udc00-\udfff]/.test(src[k]!) && /[\ud800-\udbff]/.test(src[k - 1]!);
      expect(low(s)).toBe(false);
      expect(low(end)).toBe(false);
    }
  });
}

describe.each(toks)('properties: %s', (_m, tok) => {
  it('encode never throws on random Unicode; offsets stay inside the text and are non-decreasing', () => {
    fc.assert(
      fc.property(text, fc.option(text, { nil: null }), (t, p) => {
        for (const unit of ['utf16', 'codepoint'] as const) {
          const e = tok.encode(t, { pair: p, offsets: unit });
          expect(e.inputIds.length).toBe(e.offsets.length);
          expect(e.tokens.length).toBe(e.inputIds.length);
          expect(e.inputIds.every((id) => Number.isInteger(id) && id >= 0 && id < tok.vocabSize)).toBe(true);
          checkOffsets(e, t, p, unit);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('truncation and padding invariants', () => {
    const strategies = ['longest_first', 'only_first', 'only_second'] as const;
    fc.assert(
      fc.property(
        text,
        fc.option(text, { nil: null }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(...strategies),
        fc.constantFrom('left', 'right'),
        (t, p, max, strategy, side) => {
          const full = tok.encode(t, { pair: p });
          const added = tok.encode('', { pair: p === null ? null : '' }).length;
          let e: Encoding;
          try {
            e = tok.encode(t, {
              pair: p,
              truncation: { maxLength: max, strategy },
              padding: { length: max, side },
            });
          } catch (err) {
            // Documented: E_TRUNCATION when the special tokens do not fit, when only_second has no pair, or when the
            // chosen sequence is too short to lose enough tokens.
            expect(err).toBeInstanceOf(TokenizerError);
            expect((err as TokenizerError).code).toBe('E_TRUNCATION');
            return;
          }
          expect(e.length).toBe(Math.max(max, Math.min(full.length, max)));
          if (max >= added) expect(e.length).toBe(max);
          const real = e.attentionMask.reduce((a, b) => a + b, 0);
          expect(real).toBe(Math.min(full.length, max));
          const padAt = e.attentionMask.map((m, i) => (m === 0 ? i : -1)).filter((i) => i >= 0);
          for (const i of padAt) expect(e.inputIds[i]).toBe(tok.padTokenId);
          if (padAt.length)
            expect(side === 'right' ? padAt[0] : padAt.at(-1)).toBe(
              side === 'right' ? real : padAt.length - 1,
            );
          // The kept tokens are a prefix (per sequence) of the untruncated ones.
          const kept = e.inputIds.filter((_, i) => e.attentionMask[i] === 1 && e.sequenceIds[i] === 0);
          const all = full.inputIds.filter((_, i) => full.sequenceIds[i] === 0);
          expect(all.slice(0, kept.length)).toEqual(kept);
        },
      ),
      { numRuns: 250 },
    );
  });
});

describe('huge inputs', () => {
  it('a 300k-character text with a 150k-character word encodes and keeps offsets in range', () => {
    const tok = toks[0]![1];
    const t = `${'word '.repeat(30_000)}${'x'.repeat(150_000)} end`;
    const e = tok.encode(t);
    expect(e.length).toBe(30_000 + 4);
    expect(e.tokens.at(-3)).toBe('[UNK]');
    expect(e.offsets.at(-3)).toEqual([150_000, 300_000]);
  });
});

/**
 * The Rust library classifies punctuation, controls and marks with Unicode tables from ~2016 (the `unicode_categories`
 * crate), while this package uses the JS engine's current Unicode data. Characters assigned since then (e.g. U+11B00,
 * a Po added in Unicode 15) can therefore split differently; the fuzz draws from blocks that were complete long
 * before (a documented limitation, see the README).
 */
const OLD_BLOCKS: [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x24f],
  [0x300, 0x36f],
  [0x370, 0x3ff],
  [0x400, 0x4ff],
  [0x5d0, 0x5ea],
  [0x621, 0x64a],
  [0x900, 0x97f],
  [0xe01, 0xe3a],
  [0x1100, 0x11ff],
  [0x1e00, 0x1eff],
  [0x2000, 0x2064],
  [0x20a0, 0x20b9],
  [0x2100, 0x214f],
  [0x3000, 0x30ff],
  [0x4e00, 0x4fff],
  [0xac00, 0xacff],
  [0xf900, 0xf9ff],
  [0xff01, 0xffee],
  [0x1d400, 0x1d4ff],
  [0x1f600, 0x1f64f],
  [0x20000, 0x200ff],
];
const oldChar = fc
  .integer({ min: 0, max: OLD_BLOCKS.length - 1 })
  .chain((b) => fc.integer({ min: OLD_BLOCKS[b]![0], max: OLD_BLOCKS[b]![1] }))
  .map((cp) => String.fromCodePoint(cp));
const fuzzText = fc
  .array(fc.oneof(oldChar, fc.constantFrom(...pieces), fc.constantFrom(' ', 'a', 'the')), { maxLength: 60 })
  .map((a) => a.join(''));

describe('differential fuzz against the Rust reference', () => {
  it.each(MODELS)('%s', async (m) => {
    const ours = toks.find(([x]) => x === m)![1];
    const rust = Rust.fromFile(tokenizerPath(m));
    await fc.assert(
      fc.asyncProperty(fuzzText, fc.option(fuzzText, { nil: null }), async (t, p) => {
        const r = await rust.encode(t, p, { addSpecialTokens: true });
        const e = ours.encode(t, { pair: p, offsets: 'codepoint' });
        expect({ ids: e.inputIds, offsets: e.offsets }).toEqual({ ids: r.getIds(), offsets: r.getOffsets() });
      }),
      { numRuns: 400 },
    );
  });
});
