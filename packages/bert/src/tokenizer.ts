import { Tokenizer } from '@ultrafastbert/tokenizer';

/** The tokenizer a checkpoint ships (`tokenizer.json` + config files), from @ultrafastbert/tokenizer. */
export type ModelTokenizer = Tokenizer;

/**
 * Build the checkpoint's tokenizer from its file texts. Special tokens (mask, pad) come from the
 * tokenizer files, never assumed.
 */
export function tokenizerFromFiles(
  texts: Record<string, string | undefined>,
  source: string,
): ModelTokenizer {
  return Tokenizer.fromFiles(texts, { source });
}
