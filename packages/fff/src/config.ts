import { fffNodes, InvalidArgumentError } from '@ultrafastbert/tensor';

/** Shape of an FFF layer: K = `trees` parallel binary trees of depth `depth` (2^(depth+1)-1 nodes each). */
export interface FFFConfig {
  inputWidth: number;
  outputWidth: number;
  depth: number;
  /** `parallel_size` in the original code. */
  trees: number;
}

/** Nodes per tree. */
export const nodesPerTree = (c: Pick<FFFConfig, 'depth'>) => fffNodes(c.depth);
/** Rows of linear_in / columns of linear_out: trees × nodes per tree. */
export const totalNodes = (c: Pick<FFFConfig, 'depth' | 'trees'>) => c.trees * fffNodes(c.depth);

export function validateFFFConfig(c: FFFConfig): FFFConfig {
  for (const key of ['inputWidth', 'outputWidth', 'trees'] as const) {
    if (!Number.isSafeInteger(c[key]) || c[key] < 1)
      throw new InvalidArgumentError(`FFF config: ${key} must be a positive integer, got ${String(c[key])}`);
  }
  if (!Number.isSafeInteger(c.depth) || c.depth < 0 || c.depth > 30)
    throw new InvalidArgumentError(`FFF config: depth must be an integer in [0, 30], got ${String(c.depth)}`);
  return c;
}
