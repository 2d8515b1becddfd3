/** The `cleanup` of HF's WordPiece decoder (BERT's `clean_up_tokenization`), applied per token. */
export function cleanup(s: string): string {
  return s
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

export interface Decoder {
  decode(tokens: string[]): string;
}

/** HF `WordPiece` decoder: joins with spaces, glues `##` continuations, optional cleanup. */
export class WordPieceDecoder implements Decoder {
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {}
  decode(tokens: string[]): string {
    let out = '';
    for (let i = 0; i < tokens.length; i++) {
      let t = tokens[i]!;
      if (i !== 0) t = t.startsWith(this.prefix) ? t.slice(this.prefix.length) : ` ${t}`;
      out += this.cleanup ? cleanup(t) : t;
    }
    return out;
  }
}

/** No decoder in tokenizer.json: tokens joined by spaces (HF default). */
export class JoinDecoder implements Decoder {
  decode(tokens: string[]): string {
    return tokens.join(' ');
  }
}
