import type { NormalizedString } from './normalized.js';

/** A normalizer rewrites a string and keeps its alignment to the original text. */
export interface Normalizer {
  normalize(n: NormalizedString): NormalizedString;
}
