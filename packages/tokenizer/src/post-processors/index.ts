import { TokenizerError } from '../errors.js';

/** One sequence's tokens before post-processing. Offsets are flat `[start, end]` pairs; word ids use -1 for none. */
export interface Piece {
  ids: number[];
  offsets: number[];
  words: number[];
  /** Token strings that differ from the vocabulary's (added tokens matched with lstrip/rstrip), by token index. */
  names?: (string | undefined)[];
}

/** A post-processed encoding's raw arrays. */
export interface Processed {
  ids: number[];
  typeIds: number[];
  offsets: number[];
  words: number[];
  special: number[];
  seq: number[]; // sequence index (0, 1) or -1 for special tokens
  names?: (string | undefined)[];
}

export interface PostProcessor {
  /** How many special tokens are added for a single text / a pair. */
  addedTokens(isPair: boolean): number;
  process(a: Piece, b: Piece | null, addSpecialTokens: boolean): Processed;
}

export type TemplatePiece =
  | { kind: 'seq'; seq: 0 | 1; typeId: number }
  | { kind: 'special'; ids: number[]; typeId: number };

function pushSeq(out: Processed, p: Piece, typeId: number, seq: number): void {
  if (p.names) {
    if (!out.names) out.names = [];
    const names = out.names;
    names.length = out.ids.length;
    for (let i = 0; i < p.ids.length; i++) names[out.ids.length + i] = p.names[i];
  }
  for (let i = 0; i < p.ids.length; i++) {
    out.ids.push(p.ids[i]!);
    out.typeIds.push(typeId);
    out.offsets.push(p.offsets[2 * i]!, p.offsets[2 * i + 1]!);
    out.words.push(p.words[i]!);
    out.special.push(0);
    out.seq.push(seq);
  }
}

function pushSpecial(out: Processed, ids: number[], typeId: number): void {
  for (const id of ids) {
    out.ids.push(id);
    out.typeIds.push(typeId);
    out.offsets.push(0, 0);
    out.words.push(-1);
    out.special.push(1);
    out.seq.push(-1);
  }
}

function empty(): Processed {
  return { ids: [], typeIds: [], offsets: [], words: [], special: [], seq: [] };
}

/** No post-processor: sequence A gets type id 0, B type id 1. */
export function defaultProcess(a: Piece, b: Piece | null): Processed {
  const out = empty();
  pushSeq(out, a, 0, 0);
  if (b) pushSeq(out, b, 1, 1);
  return out;
}

/** HF `TemplateProcessing`. */
export class TemplateProcessing implements PostProcessor {
  constructor(
    readonly single: TemplatePiece[],
    readonly pair: TemplatePiece[],
  ) {
    for (const p of single) {
      if (p.kind === 'seq' && p.seq === 1) {
        throw new TokenizerError('E_TOKENIZER_JSON', 'TemplateProcessing: the single template cannot use $B');
      }
    }
  }

  addedTokens(isPair: boolean): number {
    let n = 0;
    for (const p of isPair ? this.pair : this.single) if (p.kind === 'special') n += p.ids.length;
    return n;
  }

  process(a: Piece, b: Piece | null, addSpecialTokens: boolean): Processed {
    const tpl = b ? this.pair : this.single;
    const out = empty();
    if (!addSpecialTokens) {
      // HF keeps the template's type ids for the sequences.
      for (const p of tpl) if (p.kind === 'seq') pushSeq(out, p.seq === 0 ? a : b!, p.typeId, p.seq);
      return out;
    }
    for (const p of tpl) {
      if (p.kind === 'seq') pushSeq(out, p.seq === 0 ? a : b!, p.typeId, p.seq);
      else pushSpecial(out, p.ids, p.typeId);
    }
    return out;
  }
}

/** HF `BertProcessing`: `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` with type ids 0 then 1. */
export class BertProcessing extends TemplateProcessing {
  constructor(
    readonly cls: [string, number],
    readonly sep: [string, number],
  ) {
    const c: TemplatePiece = { kind: 'special', ids: [cls[1]], typeId: 0 };
    const s0: TemplatePiece = { kind: 'special', ids: [sep[1]], typeId: 0 };
    const s1: TemplatePiece = { kind: 'special', ids: [sep[1]], typeId: 1 };
    super(
      [c, { kind: 'seq', seq: 0, typeId: 0 }, s0],
      [c, { kind: 'seq', seq: 0, typeId: 0 }, s0, { kind: 'seq', seq: 1, typeId: 1 }, s1],
    );
  }
}
