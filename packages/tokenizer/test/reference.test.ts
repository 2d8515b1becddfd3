/**
 * Differential tests against the reference (HF `tokenizers` 0.22.2 via @anush008/tokenizers) for pipelines and
 * options the golden files do not cover: other normalizers / pre-tokenizers / post-processors, added-token flags,
 * truncation strategies with stride and overflow, padding side and multiples, decoding.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromJSON, type Tokenizer } from '../src/index.js';
import { corpus, tokenizerPath } from './helpers.js';
import { Rust, type RustTokenizer } from './rust.js';

// biome-ignore lint/suspicious/noExplicitAny: raw tokenizer.json
type Json = any;
const base: Json = JSON.parse(readFileSync(tokenizerPath('bert-base-uncased'), 'utf8'));
const HARD = [
  '',
  ' ',
  'Hello, World! 123 4567 x1y2',
  '  leading and trailing  ',
  'ﬁnancial ① ㍿ ＦＵＬＬ Å Ω e\u0301 a\u0323\u0301 ḍ̇',
  'İstanbul ΟΔΥΣΣΕΥΣ straße',
  'a[MASK]b [MASK] x [ MASK ] [mask] [SEP]',
  '中文字符 and 𠀀𪛖 emoji 👍🏽 👨‍👩‍👧',
  'tab\tnew\nline\r\n nul\u0000 zw\u200bsp',
  '$100.50 or €20, 1,000,000; 3.14159',
  'aaaa aaa a',
  'x'.repeat(150),
];
const TEXTS = [
  ...HARD,
  ...corpus()
    .filter((_, i) => i % 25 === 0)
    .map((r) => r.text),
];

function pipeline(patch: Json): Json {
  return { ...structuredClone(base), ...patch };
}

async function compare(json: Json, texts: string[], pairs = false): Promise<string[]> {
  const ours = fromJSON(json);
  const rust = Rust.fromString(JSON.stringify(json));
  const bad: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    const p = pairs ? texts[(i + 1) % texts.length]! : null;
    const r = await rust.encode(t, p, { addSpecialTokens: true });
    const e = ours.encode(t, { pair: p, offsets: 'codepoint' });
    const exp = [
      r.getIds(),
      r.getTokens(),
      r.getOffsets(),
      r.getTypeIds(),
      r.getWordIds().map((w) => w ?? null),
    ];
    const got = [e.inputIds, e.tokens, e.offsets, e.tokenTypeIds, e.wordIds];
    if (JSON.stringify(exp) !== JSON.stringify(got)) {
      bad.push(
        `${JSON.stringify(t).slice(0, 80)}\n  exp ${JSON.stringify(exp).slice(0, 300)}\n  got ${JSON.stringify(got).slice(0, 300)}`,
      );
      if (bad.length > 3) break;
    }
  }
  return bad;
}

const PIPELINES: [string, Json][] = [
  [
    'NFKC + Lowercase + Strip, WhitespaceSplit + Punctuation + Digits(individual)',
    pipeline({
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'NFKC' },
          { type: 'Lowercase' },
          { type: 'Strip', strip_left: true, strip_right: true },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'WhitespaceSplit' },
          { type: 'Punctuation', behavior: 'Isolated' },
          { type: 'Digits', individual_digits: true },
        ],
      },
    }),
  ],
  [
    'NFD + StripAccents + Lowercase + Replace(String), Whitespace + Digits(contiguous)',
    pipeline({
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'NFD' },
          { type: 'StripAccents' },
          { type: 'Lowercase' },
          { type: 'Replace', pattern: { String: 'aa' }, content: 'b' },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [{ type: 'Whitespace' }, { type: 'Digits', individual_digits: false }],
      },
    }),
  ],
  [
    'NFC + Replace(Regex \\s+, \\d) + Prepend, Punctuation(MergedWithPrevious), BertProcessing',
    pipeline({
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'NFC' },
          { type: 'Lowercase' },
          { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
          { type: 'Replace', pattern: { Regex: '\\d' }, content: '7' },
          { type: 'Prepend', prepend: 'x' },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'MergedWithPrevious' }],
      },
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
    }),
  ],
  [
    'BertNormalizer(no clean_text, no chinese, strip accents, cased), Punctuation(MergedWithNext/Contiguous)',
    pipeline({
      normalizer: {
        type: 'BertNormalizer',
        clean_text: false,
        handle_chinese_chars: false,
        strip_accents: true,
        lowercase: false,
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'WhitespaceSplit' },
          { type: 'Punctuation', behavior: 'MergedWithNext' },
          { type: 'Punctuation', behavior: 'Contiguous' },
        ],
      },
    }),
  ],
  [
    'no normalizer, no pre-tokenizer, no post-processor',
    pipeline({ normalizer: null, pre_tokenizer: null, post_processor: null }),
  ],
  [
    'added tokens: lstrip, rstrip, single_word, normalized',
    pipeline({
      added_tokens: [
        ...base.added_tokens,
        {
          id: 2000,
          content: 'the',
          single_word: true,
          lstrip: false,
          rstrip: false,
          normalized: true,
          special: false,
        },
        {
          id: 2001,
          content: '[MASK]',
          single_word: false,
          lstrip: true,
          rstrip: true,
          normalized: false,
          special: true,
        },
        {
          id: 2002,
          content: 'ing',
          single_word: false,
          lstrip: false,
          rstrip: false,
          normalized: true,
          special: false,
        },
      ].filter((t: Json) => t.id !== 103),
    }),
  ],
];

describe('parity with the reference for other pipelines', () => {
  it.each(PIPELINES)('%s', async (_name, json) => {
    expect(await compare(json, TEXTS)).toEqual([]);
    expect(await compare(json, TEXTS.slice(0, 40), true)).toEqual([]);
  });
});

async function compareOptions(
  ours: Tokenizer,
  rust: RustTokenizer,
  texts: string[],
  opts: Parameters<Tokenizer['encode']>[1],
  addSpecialTokens = true,
): Promise<void> {
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    const p = opts?.pair === undefined ? null : texts[(i + 3) % texts.length]!;
    const r = await rust.encode(t, p, { addSpecialTokens });
    const e = ours.encode(t, { ...opts, pair: p, offsets: 'codepoint', addSpecialTokens });
    const flat = (x: { ids: number[]; types: number[]; mask: number[]; offs: unknown }) => JSON.stringify(x);
    expect(flat({ ids: e.inputIds, types: e.tokenTypeIds, mask: e.attentionMask, offs: e.offsets })).toBe(
      flat({ ids: r.getIds(), types: r.getTypeIds(), mask: r.getAttentionMask(), offs: r.getOffsets() }),
    );
    expect(e.specialTokensMask).toEqual(r.getSpecialTokensMask());
    expect(e.overflowing.map((o) => o.inputIds)).toEqual(r.getOverflowing().map((o) => o.getIds()));
  }
}

describe('truncation, overflow and padding options match the reference', () => {
  const texts = TEXTS.slice(0, 60);
  const cases: [string, Json, Json][] = [
    [
      'longest_first, stride 3',
      { strategy: 'LongestFirst', stride: 3 },
      { strategy: 'longest_first', stride: 3 },
    ],
    ['only_first, stride 2', { strategy: 'OnlyFirst', stride: 2 }, { strategy: 'only_first', stride: 2 }],
    [
      'left side',
      { strategy: 'LongestFirst', direction: 'left', stride: 1 },
      { strategy: 'longest_first', side: 'left', stride: 1 },
    ],
  ];
  it.each(cases)('%s (single and pair)', async (_n, rustT, oursT) => {
    const json = pipeline({});
    const rust = Rust.fromString(JSON.stringify(json));
    rust.setTruncation(16, rustT);
    const ours = fromJSON(json);
    const opts = { truncation: { maxLength: 16, ...oursT } };
    await compareOptions(ours, rust, texts, opts);
    if (oursT.strategy !== 'only_first') await compareOptions(ours, rust, texts, { ...opts, pair: '' });
  });

  it('only_second on pairs', async () => {
    const json = pipeline({});
    const rust = Rust.fromString(JSON.stringify(json));
    rust.setTruncation(24, { strategy: 'OnlySecond' });
    const ours = fromJSON(json);
    const long = texts.filter((t) => t.length > 200);
    for (const t of long) {
      const r = await rust.encode('short', t, { addSpecialTokens: true });
      const e = ours.encode('short', { pair: t, truncation: { maxLength: 24, strategy: 'only_second' } });
      expect(e.inputIds).toEqual(r.getIds());
    }
  });

  it('padding on the left to a multiple of 8, without special tokens', async () => {
    const json = pipeline({});
    const rust = Rust.fromString(JSON.stringify(json));
    rust.setPadding({ direction: 'left', padToMultipleOf: 8, padId: 0, padToken: '[PAD]', padTypeId: 0 });
    const ours = fromJSON(json);
    await compareOptions(ours, rust, texts, { padding: { side: 'left', padToMultipleOf: 8 } }, false);
  });

  it('tokenizer.json truncation/padding fields are the defaults', async () => {
    const json = pipeline({
      truncation: { direction: 'Right', max_length: 20, strategy: 'LongestFirst', stride: 0 },
      padding: {
        strategy: { Fixed: 24 },
        direction: 'Right',
        pad_to_multiple_of: null,
        pad_id: 0,
        pad_type_id: 0,
        pad_token: '[PAD]',
      },
    });
    const rust = Rust.fromString(JSON.stringify(json));
    const ours = fromJSON(json);
    await compareOptions(ours, rust, texts, {});
    expect(ours.encode('a b c', { truncation: false, padding: false }).length).toBe(5);
  });
});

describe('decode matches the reference', () => {
  it.each([
    ['bert-base-uncased', false],
    ['bert-base-uncased', true],
    ['crammed-style-synthetic', true],
  ] as const)('%s skipSpecialTokens=%s', async (model, skip) => {
    const json = JSON.parse(readFileSync(tokenizerPath(model), 'utf8'));
    const rust = Rust.fromString(JSON.stringify(json));
    const ours = fromJSON(json);
    for (const t of TEXTS) {
      const ids = ours.encode(t, { pair: "Second text, isn't it?" }).inputIds;
      expect(ours.decode(ids, { skipSpecialTokens: skip })).toBe(await rust.decode(ids, skip));
    }
  });
});
