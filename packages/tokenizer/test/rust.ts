/**
 * The reference: HF `tokenizers` (Rust) through @anush008/tokenizers. Imported dynamically with a minimal local type,
 * because the package's own index.d.ts does not type-check (`skipLibCheck` is off in this repo).
 */
export interface RustEncoding {
  getIds(): number[];
  getTypeIds(): number[];
  getAttentionMask(): number[];
  getSpecialTokensMask(): number[];
  getTokens(): string[];
  getOffsets(): [number, number][];
  getWordIds(): (number | null | undefined)[];
  getOverflowing(): RustEncoding[];
}

export interface RustTokenizer {
  encode(text: string, pair: string | null, options: { addSpecialTokens: boolean }): Promise<RustEncoding>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
  setTruncation(
    maxLength: number,
    options?: { strategy?: string; direction?: string; stride?: number },
  ): void;
  setPadding(options: {
    direction?: string;
    padToMultipleOf?: number;
    padId?: number;
    padToken?: string;
    padTypeId?: number;
    maxLength?: number;
  }): void;
}

interface RustModule {
  Tokenizer: { fromString(json: string): RustTokenizer; fromFile(path: string): RustTokenizer };
}

const name = '@anush008/tokenizers';
export const Rust = ((await import(name)) as RustModule).Tokenizer;
