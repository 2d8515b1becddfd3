import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TokenizerError } from './errors.js';
import { fromJSON, fromVocab, type VocabOptions } from './load.js';
import type { Tokenizer } from './tokenizer.js';

export * from './index.js';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TokenizerError('E_LOAD', `cannot read ${path}: ${(e as Error).message}`);
  }
}

function readJsonIfExists(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(read(path));
  } catch (e) {
    if (e instanceof TokenizerError) throw e;
    throw new TokenizerError('E_TOKENIZER_JSON', `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Load a tokenizer from a file or a checkpoint directory:
 * - `…/tokenizer.json` (or `<name>.tokenizer.json`), with `tokenizer_config.json` / `special_tokens_map.json`
 *   (or `<name>.tokenizer_config.json` / `<name>.special_tokens_map.json`) next to it when present;
 * - `…/vocab.txt` (any `.txt`), a classic BERT vocabulary, with `options` (cased/uncased);
 * - a directory holding either.
 */
export function fromFile(path: string, options: VocabOptions = {}): Tokenizer {
  let p = path;
  if (existsSync(p) && statSync(p).isDirectory()) {
    if (existsSync(join(p, 'tokenizer.json'))) p = join(p, 'tokenizer.json');
    else if (existsSync(join(p, 'vocab.txt'))) p = join(p, 'vocab.txt');
    else throw new TokenizerError('E_LOAD', `${path} has neither tokenizer.json nor vocab.txt`);
  }
  if (!existsSync(p)) throw new TokenizerError('E_LOAD', `no such file: ${p}`);
  const dir = dirname(p);
  const name = basename(p);
  if (name.endsWith('.txt')) {
    const cfg = readJsonIfExists(join(dir, 'tokenizer_config.json')) as
      | { do_lower_case?: boolean }
      | undefined;
    const lowercase =
      options.lowercase ?? (options.cased !== undefined ? !options.cased : cfg?.do_lower_case);
    return fromVocab(read(p), { ...options, ...(lowercase !== undefined ? { lowercase } : {}) });
  }
  const prefix = name.endsWith('.tokenizer.json') ? name.slice(0, -'tokenizer.json'.length) : '';
  const config = readJsonIfExists(join(dir, `${prefix}tokenizer_config.json`));
  const specialTokensMap = readJsonIfExists(join(dir, `${prefix}special_tokens_map.json`));
  return fromJSON(read(p), { config, specialTokensMap });
}

/** Load a BERT `vocab.txt`. */
export function fromVocabFile(path: string, options: VocabOptions = {}): Tokenizer {
  return fromVocab(read(path), options);
}
