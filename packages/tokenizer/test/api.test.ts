import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromJSON, fromUrl, fromVocab, TokenizerError } from '../src/index.js';
import { fromFile } from '../src/node.js';
import { SHARED, tokenizerPath, vocabPath } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const jsonText = readFileSync(tokenizerPath('bert-base-uncased'), 'utf8');
const tok = fromJSON(JSON.parse(jsonText));
const crammed = fromFile(tokenizerPath('crammed-style-synthetic'));

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenizerError);
    return `${(e as TokenizerError).code}: ${(e as Error).message}`;
  }
  return undefined;
}

describe('loading', () => {
  it('accepts a parsed object, a JSON string and a file path, with identical results', () => {
    const text = 'Hello, World! The quick brown fox.';
    const ids = tok.encode(text).inputIds;
    expect(fromJSON(jsonText).encode(text).inputIds).toEqual(ids);
    expect(fromFile(tokenizerPath('bert-base-uncased')).encode(text).inputIds).toEqual(ids);
    expect(ids).toEqual([101, 7592, 1010, 2088, 999, 1996, 4248, 2829, 4419, 1012, 102]);
  });

  it('loads a checkpoint directory with tokenizer.json and tokenizer_config.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tok-'));
    copyFileSync(tokenizerPath('crammed-style-synthetic'), join(dir, 'tokenizer.json'));
    copyFileSync(
      join(SHARED, 'vocab', 'crammed-style-synthetic.tokenizer_config.json'),
      join(dir, 'tokenizer_config.json'),
    );
    const t = fromFile(dir);
    expect(t.modelMaxLength).toBe(128);
    expect(t.encode('hello world').tokens.at(-1)).toBe('<sep>');
  });

  it('fetches tokenizer.json from a URL (browser path) with an injected fetch', async () => {
    const fake = (async (u: string | URL) =>
      new Response(
        String(u).endsWith('config.json') ? '{"mask_token": "[MASK]"}' : jsonText,
      )) as typeof fetch;
    const t = await fromUrl('https://example.invalid/tokenizer.json', {
      fetch: fake,
      configUrl: 'https://example.invalid/tokenizer_config.json',
    });
    expect(t.encode('a b').inputIds).toEqual([101, 1037, 1038, 102]);
    const notFound = (async () => new Response('nope', { status: 404 })) as typeof fetch;
    await expect(fromUrl('https://example.invalid/x.json', { fetch: notFound })).rejects.toMatchObject({
      code: 'E_LOAD',
    });
  });

  it('loads vocab.txt with cased / uncased BERT defaults', () => {
    const vocab = readFileSync(vocabPath('bert-base-cased'), 'utf8');
    expect(fromVocab(vocab, { cased: true }).encode('Héllo').tokens).toEqual([
      '[CLS]',
      'H',
      '##é',
      '##llo',
      '[SEP]',
    ]);
    const uncased = fromVocab(readFileSync(vocabPath('bert-base-uncased'), 'utf8'));
    expect(uncased.encode('Héllo').tokens).toEqual(['[CLS]', 'hello', '[SEP]']);
    expect(uncased.maskToken).toBe('[MASK]');
    expect(uncased.padTokenId).toBe(0);
  });

  it('the browser entry imports nothing from node:', () => {
    const dist = join(here, '..', 'src');
    const files = readdirSync(dist, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && f !== 'node.ts');
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(readFileSync(join(dist, f), 'utf8')).not.toMatch(/from ['"]node:/);
    const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.exports['./node'].import).toBe('./dist/node.js');
  });
});

describe('errors', () => {
  const base = JSON.parse(jsonText);
  it.each([
    ['normalizer', { normalizer: { type: 'Precompiled' } }, 'Precompiled'],
    ['pre_tokenizer', { pre_tokenizer: { type: 'ByteLevel' } }, 'ByteLevel'],
    ['post_processor', { post_processor: { type: 'RobertaProcessing' } }, 'RobertaProcessing'],
    ['decoder', { decoder: { type: 'Metaspace' } }, 'Metaspace'],
    ['model', { model: { type: 'BPE', vocab: {}, merges: [] } }, 'BPE'],
    ['nested normalizer', { normalizer: { type: 'Sequence', normalizers: [{ type: 'Nope' }] } }, 'Nope'],
  ])('an unknown %s type is E_UNKNOWN_COMPONENT naming it', (_k, patch, name) => {
    const msg = code(() => fromJSON({ ...base, ...patch }));
    expect(msg).toMatch(/^E_UNKNOWN_COMPONENT: /);
    expect(msg).toContain(name);
  });

  it('bad JSON and bad structure are E_TOKENIZER_JSON', () => {
    expect(code(() => fromJSON('{not json'))).toMatch(/^E_TOKENIZER_JSON/);
    expect(code(() => fromJSON({ normalizer: null }))).toMatch(/^E_TOKENIZER_JSON: .*model/);
    expect(
      code(() =>
        fromJSON({ ...base, normalizer: { type: 'Replace', pattern: { Regex: '(' }, content: '' } }),
      ),
    ).toMatch(/^E_TOKENIZER_JSON: unsupported regex/);
  });

  it('missing files are E_LOAD', () => {
    expect(code(() => fromFile('/nonexistent/tokenizer.json'))).toMatch(/^E_LOAD: no such file/);
  });

  it('a vocab without the unk token is E_MISSING_UNK', () => {
    expect(code(() => fromVocab('a\nb\n'))).toMatch(/^E_MISSING_UNK/);
  });

  it('impossible truncation and padding are E_TRUNCATION / E_PADDING', () => {
    expect(code(() => tok.encode('a b c', { truncation: { maxLength: 1 } }))).toMatch(/^E_TRUNCATION/);
    expect(
      code(() => tok.encode('a b c', { truncation: { maxLength: 4, strategy: 'only_second' } })),
    ).toMatch(/^E_TRUNCATION: .*needs a pair/);
    expect(code(() => tok.encode('a b c d e', { truncation: { maxLength: 4, stride: 2 } }))).toMatch(
      /^E_TRUNCATION: stride/,
    );
    expect(code(() => tok.encode('a', { padding: { length: -1 } }))).toMatch(/^E_PADDING/);
    expect(code(() => tok.encode(42 as unknown as string))).toMatch(/^E_INPUT/);
  });
});

describe('encode', () => {
  it('returns ids, type ids, mask, tokens, offsets and word ids', () => {
    const e = tok.encode('Hello world!', { pair: 'Bye.' });
    expect(e.tokens).toEqual(['[CLS]', 'hello', 'world', '!', '[SEP]', 'bye', '.', '[SEP]']);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(e.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(e.offsets).toEqual([
      [0, 0],
      [0, 5],
      [6, 11],
      [11, 12],
      [0, 0],
      [0, 3],
      [3, 4],
      [0, 0],
    ]);
    expect(e.wordIds).toEqual([null, 0, 1, 2, null, 0, 1, null]);
    expect(e.sequenceIds).toEqual([null, 0, 0, 0, null, 1, 1, null]);
    expect(e.specialTokensMask).toEqual([1, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('addSpecialTokens: false leaves the template out', () => {
    expect(tok.encode('Hello world', { addSpecialTokens: false }).tokens).toEqual(['hello', 'world']);
  });

  it('offsets are UTF-16 by default and code points on request', () => {
    const text = '😀 ab 𠀀 c';
    const u = tok.encode(text).offsets;
    const c = tok.encode(text, { offsets: 'codepoint' }).offsets;
    expect(u.slice(1, -1)).toEqual([
      [0, 2],
      [3, 5],
      [6, 8],
      [9, 10],
    ]);
    expect(c.slice(1, -1)).toEqual([
      [0, 1],
      [2, 4],
      [5, 6],
      [7, 8],
    ]);
    expect(text.slice(3, 5)).toBe('ab');
  });

  it('padding: fixed length, left side, and the tokenizer pad token', () => {
    const e = tok.encode('a b', { padding: { length: 6, side: 'left' } });
    expect(e.inputIds).toEqual([0, 0, 101, 1037, 1038, 102]);
    expect(e.attentionMask).toEqual([0, 0, 1, 1, 1, 1]);
    expect(e.wordIds).toEqual([null, null, null, 0, 1, null]);
    expect(crammed.encode('a', { padding: { length: 4 } }).tokens).toEqual(['a', '<sep>', '<pad>', '<pad>']);
  });

  it('truncation keeps the special tokens and reports overflow', () => {
    const e = tok.encode('one two three four five six', { truncation: { maxLength: 5, stride: 1 } });
    expect(e.tokens).toEqual(['[CLS]', 'one', 'two', 'three', '[SEP]']);
    expect(e.overflowing.map((o) => o.tokens)).toEqual([
      ['[CLS]', 'three', 'four', 'five', '[SEP]'],
      ['[CLS]', 'five', 'six', '[SEP]'],
    ]);
  });

  it('an empty text_pair is still a pair', () => {
    expect(tok.encode('a', { pair: '' }).tokens).toEqual(['[CLS]', 'a', '[SEP]', '[SEP]']);
    expect(tok.encode('a', { pair: '' }).tokenTypeIds).toEqual([0, 0, 0, 1]);
  });

  it('lone surrogates are treated as U+FFFD (dropped by BERT clean_text) without moving offsets', () => {
    const e = tok.encode('ab\ud800cd \udc00x');
    expect(e.tokens).toEqual(['[CLS]', 'abc', '##d', 'x', '[SEP]']);
    expect(e.offsets[3]).toEqual([7, 8]);
  });
});

describe('encodeBatch', () => {
  it('pads to the longest with "longest" and fills typed matrices', () => {
    const b = tok.encodeBatch(['a', ['b c', 'd'], { text: 'e f g h' }], { padding: { length: 'longest' } });
    expect(b.batchSize).toBe(3);
    expect(b.seqLength).toBe(6);
    expect(b.inputIds).toBeInstanceOf(Int32Array);
    expect(Array.from(b.inputIds)).toEqual([
      101, 1037, 102, 0, 0, 0, 101, 1038, 1039, 102, 1040, 102, 101, 1041, 1042, 1043, 1044, 102,
    ]);
    expect(Array.from(b.tokenTypeIds.subarray(6, 12))).toEqual([0, 0, 0, 0, 1, 1]);
    expect(Array.from(b.attentionMask.subarray(0, 6))).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('without padding the rows stay unpadded and the matrices are still rectangular', () => {
    const b = tok.encodeBatch(['a', 'b c d'], { padding: false });
    expect(b.encodings[0]!.length).toBe(3);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('rejects bad items', () => {
    expect(code(() => tok.encodeBatch([3 as unknown as string]))).toMatch(/^E_INPUT/);
  });
});

describe('vocabulary and special tokens', () => {
  it('maps tokens and ids both ways', () => {
    expect(tok.tokenToId('hello')).toBe(7592);
    expect(tok.idToToken(7592)).toBe('hello');
    expect(tok.tokenToId('no-such-token')).toBeUndefined();
    expect(tok.idToToken(10 ** 6)).toBeUndefined();
    expect(tok.vocabSize).toBe(30522);
    expect(tok.getVocab().get('[MASK]')).toBe(103);
  });

  it('exposes the special tokens from tokenizer_config.json or the added tokens', () => {
    expect([tok.clsToken, tok.sepToken, tok.padToken, tok.maskToken, tok.unkToken]).toEqual([
      '[CLS]',
      '[SEP]',
      '[PAD]',
      '[MASK]',
      '[UNK]',
    ]);
    expect([tok.clsTokenId, tok.sepTokenId, tok.padTokenId, tok.maskTokenId, tok.unkTokenId]).toEqual([
      101, 102, 0, 103, 100,
    ]);
    expect([crammed.bosToken, crammed.eosToken, crammed.maskTokenId, crammed.padTokenId]).toEqual([
      '<s>',
      '</s>',
      6,
      0,
    ]);
    expect(tok.allSpecialIds.sort((a, b) => a - b)).toEqual([0, 100, 101, 102, 103]);
  });

  it('decodes with and without special tokens', () => {
    const ids = tok.encode("Hello, isn't it unbelievable?").inputIds;
    // HF cleans up each token on its own, so " ' " spread over three tokens stays (checked against Rust in reference.test).
    expect(tok.decode(ids)).toBe("[CLS] hello, isn ' t it unbelievable? [SEP]");
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe("hello, isn ' t it unbelievable?");
    expect(tok.decodeBatch([ids.slice(1, 3)])).toEqual(['hello,']);
  });
});

describe('tokenizer.json written by hand', () => {
  it('uses a minimal WordPiece pipeline', () => {
    const t = fromJSON({
      model: { type: 'WordPiece', vocab: { '[UNK]': 0, un: 1, '##able': 2, x: 3 }, unk_token: '[UNK]' },
      pre_tokenizer: { type: 'WhitespaceSplit' },
    });
    const e = t.encode('unable x y');
    expect(e.tokens).toEqual(['un', '##able', 'x', '[UNK]']);
    expect(t.decode(e.inputIds)).toBe('un ##able x [UNK]');
  });
});
