import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

/** /work/shared/tokenizers, as `../shared` next to the repository root. */
const SHARED = fileURLToPath(new URL('../../../../shared/tokenizers/', import.meta.url));
const tokJson = (m: string) => join(SHARED, 'vocab', `${m}.tokenizer.json`);

interface Golden {
  text: string;
  text_pair?: string;
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  tokens: string[];
  offsets: [number, number][];
}
const golden = (file: string): Golden[] =>
  gunzipSync(readFileSync(join(SHARED, 'golden', file)))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const fields = (g: Golden) => ({
  input_ids: g.input_ids,
  token_type_ids: g.token_type_ids,
  attention_mask: g.attention_mask,
  tokens: g.tokens,
  offsets: g.offsets,
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['tokenize', ...argv], {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'cli-tokenize-'));
function jsonlFile(name: string, lines: string[]): string {
  const p = join(tmp, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

describe('ultrafastbert tokenize', () => {
  it('--json prints the golden encoding of one text (code-point offsets)', async () => {
    const g = golden('bert-base-uncased.jsonl.gz').find(
      (r) => r.text_pair === undefined && /[\u{10000}-\u{10FFFF}]/u.test(r.text),
    )!;
    const r = await cli('--tokenizer', tokJson('bert-base-uncased'), '--json', g.text);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(fields(g));
  });

  it('--pair encodes a pair', async () => {
    const g = golden('bert-base-cased.jsonl.gz').find((r) => r.text_pair !== undefined)!;
    const r = await cli('--tokenizer', tokJson('bert-base-cased'), '--pair', g.text_pair!, '--json', g.text);
    expect(JSON.parse(r.stdout)).toEqual(fields(g));
  });

  it.each(['bert-base-multilingual-cased', 'crammed-style-synthetic'])(
    '--jsonl tokenizes many records in one process (%s)',
    async (m) => {
      const recs = golden(`${m}.jsonl.gz`).filter((_, i) => i % 97 === 0 || i > 5780);
      const file = jsonlFile(
        `${m}.jsonl`,
        recs.map((g) =>
          JSON.stringify(
            g.text_pair === undefined ? { text: g.text } : { text: g.text, text_pair: g.text_pair },
          ),
        ),
      );
      const r = await cli('--tokenizer', tokJson(m), '--jsonl', file);
      expect(r.code).toBe(0);
      const out = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(out.length).toBe(recs.length);
      expect(recs.length).toBeGreaterThan(70);
      expect(out).toEqual(recs.map(fields));
    },
  );

  it('--max-length and --pad-to reproduce the trunc32 golden file', async () => {
    const recs = golden('bert-base-uncased.trunc32.jsonl.gz').filter((_, i) => i % 40 === 0);
    const file = jsonlFile(
      'trunc.jsonl',
      recs.map((g) => JSON.stringify({ text: g.text, text_pair: g.text_pair })),
    );
    const r = await cli(
      '--tokenizer',
      tokJson('bert-base-uncased'),
      '--max-length',
      '32',
      '--pad-to',
      '32',
      '--jsonl',
      file,
    );
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(recs.map(fields));
  });

  it('without --json prints a token table', async () => {
    const r = await cli('--tokenizer', tokJson('bert-base-uncased'), 'Hello world');
    expect(r.stdout).toBe(
      'id\ttoken\toffsets\ttype\n101\t[CLS]\t0-0\t0\n7592\thello\t0-5\t0\n2088\tworld\t6-11\t0\n102\t[SEP]\t0-0\t0\n',
    );
  });

  it('is listed by help', async () => {
    let out = '';
    await main(['help'], { stdout: (t) => (out += t), stderr: () => {} });
    expect(out).toMatch(/tokenize\s+Tokenize text/);
  });
});

describe('ultrafastbert tokenize: errors', () => {
  it('a missing tokenizer file: E_LOAD, exit 1', async () => {
    const r = await cli('--tokenizer', join(tmp, 'nope.json'), '--json', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[E_LOAD\] no such file: .*nope\.json/);
    expect(r.stdout).toBe('');
  });

  it('a missing --jsonl file: usage error, exit 2', async () => {
    const r = await cli('--tokenizer', tokJson('bert-base-uncased'), '--jsonl', join(tmp, 'missing.jsonl'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jsonl file not found/);
  });

  it('an invalid JSON line names the file and line, exit 1', async () => {
    const file = jsonlFile('bad.jsonl', ['{"text": "ok"}', '{"text": oops}']);
    const r = await cli('--tokenizer', tokJson('bert-base-uncased'), '--jsonl', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[E_JSONL\] .*bad\.jsonl:2: invalid JSON/);
    const noText = jsonlFile('notext.jsonl', ['{"txt": "x"}']);
    expect((await cli('--tokenizer', tokJson('bert-base-uncased'), '--jsonl', noText)).stderr).toMatch(
      /notext\.jsonl:1: expected an object with a string "text"/,
    );
  });

  it('an unknown component in tokenizer.json is named, exit 1', async () => {
    const j = JSON.parse(readFileSync(tokJson('bert-base-uncased'), 'utf8'));
    j.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false };
    const p = join(tmp, 'bytelevel.tokenizer.json');
    writeFileSync(p, JSON.stringify(j));
    const r = await cli('--tokenizer', p, '--json', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[E_UNKNOWN_COMPONENT\] unsupported pre_tokenizer type "ByteLevel"/);
  });

  it('usage errors exit 2 with the usage text', async () => {
    const noTok = await cli('--json', 'x');
    expect(noTok.code).toBe(2);
    expect(noTok.stderr).toMatch(/missing required option --tokenizer[\s\S]*Usage: ultrafastbert tokenize/);
    expect((await cli('--tokenizer', tokJson('bert-base-uncased'))).code).toBe(2);
    expect(
      (await cli('--tokenizer', tokJson('bert-base-uncased'), '--max-length', 'ten', 'x')).stderr,
    ).toMatch(/--max-length must be an integer/);
  });
});
