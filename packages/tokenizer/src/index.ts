export type { AddedToken } from './added-tokens.js';
export { type Decoder, JoinDecoder, WordPieceDecoder } from './decoders/wordpiece.js';
export { Encoding } from './encoding.js';
export { TokenizerError, type TokenizerErrorCode } from './errors.js';
export {
  buildDecoder,
  buildModel,
  buildNormalizer,
  buildPostProcessor,
  buildPreTokenizer,
  fromJSON,
  fromUrl,
  fromVocab,
  parseVocab,
  type TokenizerConfigs,
  type VocabOptions,
} from './load.js';
export { WordPiece, type WordPieceOptions } from './models/wordpiece.js';
export { BertNormalizer, type BertNormalizerOptions } from './normalizers/bert.js';
export type { NormalizedString } from './normalizers/normalized.js';
export { Replace } from './normalizers/replace.js';
export { Lowercase, Prepend, SequenceNormalizer, Strip, StripAccents } from './normalizers/simple.js';
export type { Normalizer } from './normalizers/types.js';
export { UnicodeNormalizer } from './normalizers/unicode-forms.js';
export type {
  BatchInput,
  DecodeOptions,
  EncodeOptions,
  PaddingOptions,
  TruncationOptions,
  TruncationStrategy,
} from './options.js';
export { BertProcessing, type PostProcessor, TemplateProcessing } from './post-processors/index.js';
export {
  BertPreTokenizer,
  DigitsPreTokenizer,
  type PreTokenizer,
  PunctuationPreTokenizer,
  SequencePreTokenizer,
  WhitespacePreTokenizer,
  WhitespaceSplit,
} from './pre-tokenizers/index.js';
export { BatchEncoding, type SpecialTokens, Tokenizer, type TokenizerParts } from './tokenizer.js';
