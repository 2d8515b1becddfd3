import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** /work/shared/tokenizers, found as `../shared` next to the repository root. */
export const SHARED = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'shared',
  'tokenizers',
);

export const MODELS = [
  'bert-base-uncased',
  'bert-base-cased',
  'bert-base-multilingual-cased',
  'crammed-style-synthetic',
] as const;
export type Model = (typeof MODELS)[number];

export interface GoldenRecord {
  id: string;
  text: string;
  text_pair?: string;
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  tokens: string[];
  offsets: [number, number][];
  offsets_utf16?: [number, number][];
}

export function tokenizerPath(model: Model): string {
  return join(SHARED, 'vocab', `${model}.tokenizer.json`);
}

export function vocabPath(model: Model): string {
  return join(SHARED, 'vocab', `${model}.vocab.txt`);
}

const cache = new Map<string, GoldenRecord[]>();
export function golden(model: Model, trunc32 = false): GoldenRecord[] {
  const p = join(SHARED, 'golden', `${model}${trunc32 ? '.trunc32' : ''}.jsonl.gz`);
  let r = cache.get(p);
  if (!r) {
    r = gunzipSync(readFileSync(p))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as GoldenRecord);
    cache.set(p, r);
  }
  return r;
}

export function corpus(): { id: string; text: string; text_pair?: string }[] {
  return readFileSync(join(SHARED, 'corpus', 'shared.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
