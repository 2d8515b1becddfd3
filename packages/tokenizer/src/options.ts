export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

export interface TruncationOptions {
  /** Maximum length including the special tokens the post-processor adds. */
  maxLength: number;
  strategy?: TruncationStrategy;
  /** Overlap between consecutive overflowing parts (see `Encoding.overflowing`). Default 0. */
  stride?: number;
  /** Which end is cut. Default 'right'. */
  side?: 'right' | 'left';
}

export interface PaddingOptions {
  /** A fixed length, or 'longest' (the longest encoding of the batch; a no-op for `encode`). Default 'longest'. */
  length?: number | 'longest';
  side?: 'right' | 'left';
  /** Round the padded length up to a multiple of this. */
  padToMultipleOf?: number;
  /** Defaults: the tokenizer's pad token (`padToken`/`padTokenId`), type id 0. */
  padId?: number;
  padToken?: string;
  padTypeId?: number;
}

export interface EncodeOptions {
  /** Second text of a pair. An empty string is still a pair (as in HF). */
  pair?: string | null;
  /** Add the post-processor's special tokens. Default true. */
  addSpecialTokens?: boolean;
  /** `false` disables the tokenizer.json default. */
  truncation?: TruncationOptions | false | null;
  /** `false` disables the tokenizer.json default. */
  padding?: PaddingOptions | false | null;
  /** Offset unit: UTF-16 code units (JS string indices, default) or Unicode code points (Python/Rust `tokenizers`). */
  offsets?: 'utf16' | 'codepoint';
}

export type BatchInput = string | [string, string] | { text: string; textPair?: string | null };

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}
