/**
 * Canonical reordering (NFD moves a mark of lower combining class before one of higher class, possibly across source
 * characters) against the reference. HF deals alignments out by position, so a moved mark takes the offsets of the
 * place it lands on; and BertNormalizer normalises the whole string, so marks it keeps can change order. A vocabulary
 * with every code point involved, alone and as a `##` continuation, makes each character its own token, so the
 * offsets expose the alignment of every character.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromJSON } from '../src/index.js';
import { fromFile } from '../src/node.js';
import { tokenizerPath } from './helpers.js';
import { Rust } from './rust.js';

// biome-ignore lint/suspicious/noExplicitAny: raw tokenizer.json
type Json = any;
const base: Json = JSON.parse(readFileSync(tokenizerPath('bert-base-uncased'), 'utf8'));

/** Starters, precomposed letters, marks of many combining classes (some decomposing to two), astral marks, controls. */
// biome-ignore format: a table reads better packed
const ALPHABET = [
  'a', 'e', 'o', 'ê', 'ệ', 'ḍ', 'ṩ', 'Å', 'É', 'İ', 'ﬁ', '\u1e9b', '\ufb2c', '\u0958', '\u{1d15e}', '\u{1d157}',
  '\u0300', '\u0301', '\u0302', '\u0308', '\u0313', '\u0323', '\u0327', '\u0338', '\u0340', '\u0343', '\u0344',
  '\u05b0', '\u05bc', '\u05c1', '\u093c', '\u0e38', '\u0e48', '\u0f71', '\u0f72', '\u0f73', '\u0f75', '\u302a',
  '\u302e', '\u302f', '\u{1d165}', '\u{1d16d}', '\u0000', '\u200b',
];

/** A fixed-seed generator, so a failure names a reproducible text. */
function texts(count: number, seed: number): string[] {
  let x = seed;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  return Array.from({ length: count }, () => {
    let t = '';
    for (let k = 1 + next(6); k > 0; k--) t += ALPHABET[next(ALPHABET.length)];
    return t;
  });
}

function vocab(): Record<string, number> {
  const cps = new Set<string>();
  for (const a of ALPHABET)
    for (const f of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const)
      for (const c of a.normalize(f)) for (const d of [c, ...c.toLowerCase()]) cps.add(d);
  const v: Record<string, number> = { '[UNK]': 0, '[CLS]': 1, '[SEP]': 2 };
  for (const c of cps) {
    v[c] = Object.keys(v).length;
    v[`##${c}`] = Object.keys(v).length;
  }
  return v;
}

const bert = (lowercase: boolean) => ({
  type: 'BertNormalizer',
  clean_text: true,
  handle_chinese_chars: true,
  strip_accents: true,
  lowercase,
});
const NORMALIZERS: [string, Json][] = [
  ['NFD', { type: 'NFD' }],
  ['NFKD', { type: 'NFKD' }],
  ['NFC', { type: 'NFC' }],
  ['NFKC', { type: 'NFKC' }],
  ['BertNormalizer (strip accents, lowercase)', bert(true)],
  ['BertNormalizer (strip accents, cased)', bert(false)],
];

describe('canonical reordering: tokens and offsets match the reference', () => {
  const v = vocab();
  it.each(NORMALIZERS)('%s', async (_name, normalizer) => {
    const json = {
      ...structuredClone(base),
      normalizer,
      pre_tokenizer: { type: 'WhitespaceSplit' },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: v,
      },
    };
    const ours = fromJSON(json);
    const rust = Rust.fromString(JSON.stringify(json));
    const bad: string[] = [];
    for (const t of texts(600, 12345)) {
      const r = await rust.encode(t, null, { addSpecialTokens: false });
      const e = ours.encode(t, { offsets: 'codepoint', addSpecialTokens: false });
      const exp = JSON.stringify([r.getTokens(), r.getOffsets()]);
      const got = JSON.stringify([e.tokens, e.offsets]);
      if (exp !== got) bad.push(`${JSON.stringify(t)}\n  exp ${exp}\n  got ${got}`);
    }
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it('bert-base-uncased: a mark moved before U+302E (the differential fuzz found this)', async () => {
    const ours = fromFile(tokenizerPath('bert-base-uncased'));
    const rust = Rust.fromFile(tokenizerPath('bert-base-uncased'));
    for (const t of ['\u302e\u0338', '\u0301\u302e', 'x\u302e\u0338 y']) {
      const r = await rust.encode(t, null, { addSpecialTokens: true });
      const e = ours.encode(t, { offsets: 'codepoint' });
      expect({ ids: e.inputIds, offsets: e.offsets }).toEqual({ ids: r.getIds(), offsets: r.getOffsets() });
    }
  });
});
