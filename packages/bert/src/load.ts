import {
  type Backend,
  parseSafetensors,
  type SafetensorsFile,
  UltraFastBertError,
} from '@ultrafastbert/tensor';
import type { TensorSource } from './checkpoint.js';
import { type BertConfig, parseConfig } from './config.js';
import { ConfigError } from './errors.js';
import { BertModel } from './model.js';
import { type ModelTokenizer, tokenizerFromFiles } from './tokenizer.js';

/** A file's content: text, bytes, or (browsers) a URL to fetch. */
export type FileContent = string | ArrayBuffer | Uint8Array | URL;

/** Checkpoint files by name: `config.json`, `model.safetensors`, `tokenizer.json`, ... */
export type ModelFiles = Record<string, FileContent | undefined>;

export interface LoadOptions {
  /** The backend that will own the weights: a value, e.g. `await cpuBackend()` or `new ReferenceBackend()`. */
  backend: Backend;
  /** Load the tokenizer files when present (default true). */
  tokenizer?: boolean;
}

export interface LoadedModel {
  model: BertModel;
  tokenizer?: ModelTokenizer;
}

/** How the loader reaches the files of one checkpoint (a directory in Node, a map in browsers). */
export interface CheckpointReader {
  /** Name used in error messages (a directory path, or 'files'). */
  readonly name: string;
  readText(file: string): Promise<string | undefined>;
  openSafetensors(file: string): Promise<TensorSource | undefined>;
}

export const CONFIG_FILES = ['config.json', 'model_config.json'] as const;
export const WEIGHTS_FILE = 'model.safetensors';
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
] as const;

/** Wrap an in-memory safetensors file as a tensor source. */
export function memorySource(file: SafetensorsFile): TensorSource {
  return { names: file.names, entry: (n) => file.entry(n), readFloat32: async (n) => file.float32(n) };
}

async function bytesOf(c: FileContent, name: string): Promise<Uint8Array> {
  if (c instanceof Uint8Array) return c;
  if (c instanceof ArrayBuffer) return new Uint8Array(c);
  if (c instanceof URL) {
    const res = await fetch(c);
    if (!res.ok)
      throw new UltraFastBertError('E_FETCH', `fetching ${name} from ${c.href} failed: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  return new TextEncoder().encode(c);
}

/** A reader over a map of file names to contents or URLs (works in browsers). */
export function filesReader(files: ModelFiles): CheckpointReader {
  return {
    name: 'files',
    async readText(file) {
      const c = files[file];
      if (c === undefined) return undefined;
      return typeof c === 'string' ? c : new TextDecoder().decode(await bytesOf(c, file));
    },
    async openSafetensors(file) {
      const c = files[file];
      return c === undefined ? undefined : memorySource(parseSafetensors(await bytesOf(c, file), file));
    },
  };
}

/** Read and parse config.json (or the fallback model_config.json). */
export async function readConfig(reader: CheckpointReader): Promise<BertConfig> {
  for (const file of CONFIG_FILES) {
    const text = await reader.readText(file);
    if (text === undefined) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`${reader.name}/${file} is not valid JSON: ${(e as Error).message}`);
    }
    return parseConfig(json, `${reader.name}/${file}`);
  }
  throw new ConfigError(`${reader.name}: no ${CONFIG_FILES.join(' or ')} found`);
}

/** Load config, weights (validated in full before any upload) and, when present, the tokenizer. */
export async function loadFromReader(reader: CheckpointReader, options: LoadOptions): Promise<LoadedModel> {
  const config = await readConfig(reader);
  let tokenizer: ModelTokenizer | undefined;
  if (options.tokenizer !== false) {
    const texts = Object.fromEntries(
      await Promise.all(TOKENIZER_FILES.map(async (f) => [f, await reader.readText(f)])),
    );
    if (texts['tokenizer.json'] !== undefined) tokenizer = tokenizerFromFiles(texts, reader.name);
  }
  const src = await reader.openSafetensors(WEIGHTS_FILE);
  if (!src) throw new ConfigError(`${reader.name}: no ${WEIGHTS_FILE} found`);
  try {
    const model = await BertModel.fromTensors(config, src, options.backend, `${reader.name}/${WEIGHTS_FILE}`);
    return { model, tokenizer };
  } finally {
    await src.close?.();
  }
}
