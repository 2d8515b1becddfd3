import { describe, expect, it } from 'vitest';
import { fromFile } from '../src/node.js';
import { type GoldenRecord, golden, MODELS, tokenizerPath, vocabPath } from './helpers.js';

const TRUNC = { truncation: { maxLength: 32, strategy: 'longest_first' as const }, padding: { length: 32 } };

type Enc = {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  tokens: string[];
  offsets: [number, number][];
};

function same(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x[0] !== y[0] || x[1] !== y[1]) return false;
    } else if (x !== y) return false;
  }
  return true;
}

const ASTRAL = /[\ud800-\udfff]/;

/**
 * Compare every record; collect the first few mismatches so a failure says what differs. Offsets are checked in
 * UTF-16 units (the default) against `offsets_utf16 ?? offsets`, and in code points against `offsets` for the texts
 * where the two differ (those with astral characters).
 */
function mismatches(
  recs: GoldenRecord[],
  encode: (r: GoldenRecord, unit: 'codepoint' | 'utf16') => Enc,
): string[] {
  const out: string[] = [];
  for (const r of recs) {
    const u = encode(r, 'utf16');
    const astral = ASTRAL.test(r.text) || (r.text_pair !== undefined && ASTRAL.test(r.text_pair));
    const pairs: [string, readonly unknown[], readonly unknown[]][] = [
      ['input_ids', u.inputIds, r.input_ids],
      ['token_type_ids', u.tokenTypeIds, r.token_type_ids],
      ['attention_mask', u.attentionMask, r.attention_mask],
      ['tokens', u.tokens, r.tokens],
      ['offsets_utf16', u.offsets, r.offsets_utf16 ?? r.offsets],
    ];
    if (astral) pairs.push(['offsets', encode(r, 'codepoint').offsets, r.offsets]);
    for (const [k, got, exp] of pairs) {
      if (!same(got, exp)) {
        out.push(
          `${r.id} ${k}: expected ${JSON.stringify(exp).slice(0, 200)} got ${JSON.stringify(got).slice(0, 200)}`,
        );
        break;
      }
    }
    if (out.length >= 5) break;
  }
  return out;
}

describe.each(MODELS)('golden parity with HF tokenizers: %s', (model) => {
  const tok = fromFile(tokenizerPath(model));

  it('full encodings (no truncation, no padding)', () => {
    const recs = golden(model);
    expect(recs.length).toBe(5799);
    expect(
      mismatches(recs, (r, unit) => tok.encode(r.text, { pair: r.text_pair ?? null, offsets: unit })),
    ).toEqual([]);
  });

  it('truncation to 32 (longest_first) and padding to 32', () => {
    const recs = golden(model, true);
    expect(recs.length).toBe(1930);
    expect(
      mismatches(recs, (r, unit) =>
        tok.encode(r.text, { pair: r.text_pair ?? null, offsets: unit, ...TRUNC }),
      ),
    ).toEqual([]);
  });

  it('encodeBatch gives the same rows and the typed matrices', () => {
    const recs = golden(model, true).slice(0, 300);
    const batch = tok.encodeBatch(
      recs.map((r) => (r.text_pair !== undefined ? ([r.text, r.text_pair] as [string, string]) : r.text)),
      { ...TRUNC, offsets: 'codepoint' },
    );
    expect(batch.batchSize).toBe(recs.length);
    expect(batch.seqLength).toBe(32);
    recs.forEach((r, i) => {
      expect(batch.encodings[i]!.inputIds).toEqual(r.input_ids);
      expect(batch.encodings[i]!.offsets).toEqual(r.offsets);
      expect(Array.from(batch.inputIds.subarray(i * 32, i * 32 + 32))).toEqual(r.input_ids);
      expect(Array.from(batch.tokenTypeIds.subarray(i * 32, i * 32 + 32))).toEqual(r.token_type_ids);
      expect(Array.from(batch.attentionMask.subarray(i * 32, i * 32 + 32))).toEqual(r.attention_mask);
    });
  });
});

describe.each(MODELS.filter((m) => m !== 'crammed-style-synthetic'))(
  'vocab.txt with BERT defaults: %s',
  (model) => {
    it('matches the golden ids, tokens and offsets', () => {
      const tok = fromFile(vocabPath(model), { lowercase: model === 'bert-base-uncased' });
      expect(
        mismatches(golden(model), (r, unit) =>
          tok.encode(r.text, { pair: r.text_pair ?? null, offsets: unit }),
        ),
      ).toEqual([]);
    });
  },
);
