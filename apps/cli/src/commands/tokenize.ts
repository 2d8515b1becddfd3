import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EncodeOptions, Encoding, Tokenizer } from '@ultrafastbert/tokenizer';
import { fromFile } from '@ultrafastbert/tokenizer/node';
import { type Command, type Io, intOption, required, UsageError } from '../command.js';

/** A bad line in a --jsonl file: printed as `[E_JSONL] file:line: ...`, exit code 1. */
class JsonlError extends Error {
  readonly code = 'E_JSONL';
}

function record(e: Encoding): string {
  return JSON.stringify({
    input_ids: e.inputIds,
    token_type_ids: e.tokenTypeIds,
    attention_mask: e.attentionMask,
    tokens: e.tokens,
    offsets: e.offsets,
  });
}

async function jsonl(tok: Tokenizer, file: string, opts: EncodeOptions, io: Io): Promise<void> {
  if (!existsSync(file)) throw new UsageError(`--jsonl file not found: ${file}`);
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  let out: string[] = [];
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new JsonlError(`${file}:${n}: invalid JSON: ${(e as Error).message}`);
    }
    const r = rec as { text?: unknown; text_pair?: unknown };
    if (rec === null || typeof rec !== 'object' || typeof r.text !== 'string') {
      throw new JsonlError(`${file}:${n}: expected an object with a string "text"`);
    }
    if (r.text_pair !== undefined && r.text_pair !== null && typeof r.text_pair !== 'string') {
      throw new JsonlError(`${file}:${n}: "text_pair" must be a string`);
    }
    out.push(record(tok.encode(r.text, { ...opts, pair: (r.text_pair as string | undefined) ?? null })));
    if (out.length >= 256) {
      io.stdout(`${out.join('\n')}\n`);
      out = [];
    }
  }
  if (out.length) io.stdout(`${out.join('\n')}\n`);
}

export const tokenize: Command = {
  name: 'tokenize',
  summary: 'Tokenize text with a tokenizer.json or vocab.txt (HF tokenizers parity)',
  usage: `Usage: ultrafastbert tokenize --tokenizer <tokenizer.json|vocab.txt|dir> [options] (--json TEXT | --jsonl FILE | TEXT)

Options:
  --tokenizer PATH    tokenizer.json (tokenizer_config.json next to it is read too), a BERT vocab.txt, or a directory
  --pair TEXT         second text of a pair (with TEXT)
  --json              print one JSON object: input_ids, token_type_ids, attention_mask, tokens, offsets
  --jsonl FILE        read lines {"text", "text_pair"?} and print one JSON object per line
  --max-length N      truncate to N tokens (longest_first), special tokens included
  --pad-to N          pad to N tokens
Offsets in the JSON output are code-point offsets, as in Python/Rust tokenizers.`,
  options: {
    tokenizer: { type: 'string' },
    pair: { type: 'string' },
    json: { type: 'boolean' },
    jsonl: { type: 'string' },
    'max-length': { type: 'string' },
    'pad-to': { type: 'string' },
  },
  positionals: true,
  async run({ values, positionals }, io) {
    const path = required(values, 'tokenizer');
    const opts: EncodeOptions = { offsets: 'codepoint' };
    if (values['max-length'] !== undefined) opts.truncation = { maxLength: intOption(values, 'max-length') };
    if (values['pad-to'] !== undefined) opts.padding = { length: intOption(values, 'pad-to') };
    const file = values.jsonl as string | undefined;
    if (file !== undefined && positionals.length > 0)
      throw new UsageError('give either TEXT or --jsonl FILE, not both');
    if (file === undefined && positionals.length !== 1)
      throw new UsageError('expected one TEXT argument (or --jsonl FILE)');
    if (file !== undefined && values.pair !== undefined)
      throw new UsageError('--pair goes with TEXT; use "text_pair" in --jsonl lines');
    const tok = fromFile(path);
    if (file !== undefined) {
      await jsonl(tok, file, opts, io);
      return;
    }
    const e = tok.encode(positionals[0]!, { ...opts, pair: (values.pair as string | undefined) ?? null });
    if (values.json) {
      io.stdout(`${record(e)}\n`);
      return;
    }
    const rows = e.tokens.map(
      (t, i) => `${e.inputIds[i]}\t${t}\t${e.offsets[i]![0]}-${e.offsets[i]![1]}\t${e.tokenTypeIds[i]}`,
    );
    io.stdout(`id\ttoken\toffsets\ttype\n${rows.join('\n')}\n`);
  },
};
