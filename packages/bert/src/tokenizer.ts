import { fromJSON, type Tokenizer } from '@ultrafastbert/tokenizer';
import { ConfigError } from './errors.js';

/** The tokenizer a checkpoint ships (`tokenizer.json` + config files), from @ultrafastbert/tokenizer. */
export type ModelTokenizer = Tokenizer;

function json(text: string | undefined, file: string, source: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source}/${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Build the checkpoint's tokenizer from its file texts. Special tokens (mask, pad, ...) come from
 * tokenizer_config.json / special_tokens_map.json, never assumed.
 */
export function tokenizerFromFiles(
  texts: Record<string, string | undefined>,
  source: string,
): ModelTokenizer {
  const tok = json(texts['tokenizer.json'], 'tokenizer.json', source);
  if (!tok) throw new ConfigError(`${source}: no tokenizer.json`);
  return fromJSON(tok as Parameters<typeof fromJSON>[0], {
    config: json(texts['tokenizer_config.json'], 'tokenizer_config.json', source) as never,
    specialTokensMap: json(texts['special_tokens_map.json'], 'special_tokens_map.json', source) as never,
  });
}
