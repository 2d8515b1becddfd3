import { cpAt, isAscii } from '../unicode.js';
import { cachedCharMap } from './chars.js';
import { endOf, mapChars, type NormalizedString, startOf, withAlignment } from './normalized.js';
import type { Normalizer } from './types.js';

type Form = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/** The decomposition each form starts from. */
const DECOMPOSITION = { NFC: 'NFD', NFD: 'NFD', NFKC: 'NFKD', NFKD: 'NFKD' } as const;

/** Per-code-point decomposition (canonical or compatibility), cached; `undefined` when a character maps to itself. */
function decomposer(form: 'NFD' | 'NFKD'): (cp: number) => string | undefined {
  return cachedCharMap((cp) => {
    const c = String.fromCodePoint(cp);
    const d = c.normalize(form);
    return d === c ? null : d;
  });
}

/**
 * `full` (n.s in `form`) aligned as HF `tokenizers` aligns it (`unicode-normalization-alignments` feeding
 * `NormalizedString::transform`). Each source character's decomposition yields its first code point as a replacement
 * (change 0) and the rest as insertions (+1). Canonical reordering moves those markers with their code points, and a
 * composite carries its starter's change plus (change - 1) for each code point it absorbed. Alignments are then dealt
 * out in order: a replacement takes the next source character's and skips one more per unit of negative change, an
 * insertion repeats the last one dealt. So marks that reordering moved take the alignment of the position they land
 * on, not their own (the reference's behaviour, which the tokens' offsets must match).
 */
function alignedLikeHf(
  n: NormalizedString,
  full: string,
  decompose: (cp: number) => string | undefined,
  decomposed: string,
  compose: boolean,
): NormalizedString {
  const s = n.s;
  const srcStart: number[] = [];
  const srcEnd: number[] = [];
  const cps: number[] = [];
  const changes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const cp = cpAt(s, i);
    const w = cp > 0xffff ? 2 : 1;
    srcStart.push(startOf(n, i));
    srcEnd.push(endOf(n, i + w - 1));
    let change = 0;
    for (const c of decompose(cp) ?? String.fromCodePoint(cp)) {
      cps.push(c.codePointAt(0)!);
      changes.push(change);
      change = 1;
    }
    i += w;
  }
  // Canonical reordering is a stable sort by combining class, and equal code points have equal classes: the k-th
  // occurrence of a code point in the reordered text is its k-th entry in source order.
  const queues = new Map<number, number[]>();
  for (let e = cps.length - 1; e >= 0; e--) {
    const q = queues.get(cps[e]!);
    if (q) q.push(e);
    else queues.set(cps[e]!, [e]);
  }
  const order: number[] = [];
  for (const c of decomposed) {
    const e = queues.get(c.codePointAt(0)!)?.pop();
    if (e === undefined) return wholeText(n, full);
    order.push(e);
  }
  if (order.length !== cps.length) return wholeText(n, full);

  let outCps: number[] = order.map((e) => cps[e]!);
  let outChanges: number[] = order.map((e) => changes[e]!);
  if (compose) {
    const used = new Uint8Array(order.length);
    const composedCps: number[] = [];
    const composedChanges: number[] = [];
    let head = 0;
    for (const c of full) {
      while (head < order.length && used[head]) head++;
      if (head >= order.length) return wholeText(n, full);
      used[head] = 1;
      const cp = c.codePointAt(0)!;
      let change = outChanges[head]!;
      if (outCps[head] !== cp) {
        // A composite: its canonical decomposition is this starter and the code points it absorbed, each the earliest
        // one left (a later equal mark would be blocked by the earlier one, which has the same combining class).
        const parts = [...c.normalize('NFD')];
        if (parts[0]!.codePointAt(0) !== outCps[head]) return wholeText(n, full);
        for (let k = 1; k < parts.length; k++) {
          const m = parts[k]!.codePointAt(0)!;
          let j = head + 1;
          while (j < order.length && (used[j] || outCps[j] !== m)) j++;
          if (j >= order.length) return wholeText(n, full);
          used[j] = 1;
          change += outChanges[j]! - 1;
        }
      }
      composedCps.push(cp);
      composedChanges.push(change);
    }
    outCps = composedCps;
    outChanges = composedChanges;
  }

  const st = new Int32Array(full.length);
  const en = new Int32Array(full.length);
  let next = 0; // the next source character to deal out
  let u = 0;
  for (let k = 0; k < outCps.length; k++) {
    let src = next - 1; // an insertion repeats the last character dealt
    if (outChanges[k]! <= 0) {
      src = next;
      next += 1 - outChanges[k]!;
    }
    if (src < 0 || src >= srcStart.length) return wholeText(n, full);
    for (let w = outCps[k]! > 0xffff ? 2 : 1; w > 0; w--, u++) {
      st[u] = srcStart[src]!;
      en[u] = srcEnd[src]!;
    }
  }
  return { s: full, base: n.base, starts: st, ends: en };
}

/** Every unit aligned with the whole text: for input the steps above cannot follow (not expected from `normalize`). */
function wholeText(n: NormalizedString, full: string): NormalizedString {
  return withAlignment(
    n,
    full,
    new Int32Array(full.length),
    new Int32Array(full.length).fill(n.s.length - 1),
  );
}

/**
 * NFD / NFKD with HF's alignment. Without canonical reordering every produced character is aligned to its source
 * character (the per-character mapping); reordering takes the exact path above.
 */
export function decomposeAligned(
  n: NormalizedString,
  form: 'NFD' | 'NFKD',
  decompose: (cp: number) => string | undefined = decomposer(form),
): NormalizedString {
  const full = n.s.normalize(form);
  if (full === n.s) return n;
  const per = mapChars(n, decompose);
  return per.s === full ? per : alignedLikeHf(n, full, decompose, full, false);
}

const nfd = decomposer('NFD');

/**
 * Whether NFD's canonical reordering moves marks between characters of `s`, i.e. its whole-string NFD differs from the
 * characters' decompositions put together (then per-character processing would not match the reference).
 */
export function reordersUnderNfd(s: string): boolean {
  const full = s.normalize('NFD');
  if (full === s) return false;
  let per = '';
  for (let i = 0; i < s.length; ) {
    const cp = cpAt(s, i);
    const w = cp > 0xffff ? 2 : 1;
    per += nfd(cp) ?? s.slice(i, i + w);
    i += w;
  }
  return per !== full;
}

/** Unicode normalisation (HF `NFC`, `NFD`, `NFKC`, `NFKD`) with the reference's alignment. */
export class UnicodeNormalizer implements Normalizer {
  private readonly decompose: (cp: number) => string | undefined;

  constructor(readonly form: Form) {
    this.decompose = decomposer(DECOMPOSITION[form]);
  }

  normalize(n: NormalizedString): NormalizedString {
    if (isAscii(n.s)) return n;
    const d = DECOMPOSITION[this.form];
    if (this.form === d) return decomposeAligned(n, d, this.decompose);
    const full = n.s.normalize(this.form);
    if (full === n.s) return n;
    return alignedLikeHf(n, full, this.decompose, n.s.normalize(d), true);
  }
}
