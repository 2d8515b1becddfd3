export { type FFFConfig, nodesPerTree, totalNodes, validateFFFConfig } from './config.js';
export { DenseFF, type DenseFFConfig, type DenseFFWeights } from './dense.js';
export { FFFLayer } from './layer.js';
export { type MaskedResult, maskedForward } from './masked.js';
export {
  checkFFFWeights,
  type FFFWeights,
  fffKeys,
  fffShapes,
  randomFFFWeights,
  toNodeMajor,
} from './weights.js';
