/** Stable error codes thrown by this package. */
export type TokenizerErrorCode =
  | 'E_TOKENIZER_JSON'
  | 'E_UNKNOWN_COMPONENT'
  | 'E_VOCAB'
  | 'E_MISSING_UNK'
  | 'E_TRUNCATION'
  | 'E_PADDING'
  | 'E_INPUT'
  | 'E_LOAD';

/** The only error type this package throws on purpose. `code` is stable; the message may change. */
export class TokenizerError extends Error {
  readonly code: TokenizerErrorCode;
  constructor(code: TokenizerErrorCode, message: string) {
    super(message);
    this.name = 'TokenizerError';
    this.code = code;
  }
}
