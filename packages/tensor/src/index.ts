export type { Backend, BackendCandidate, BackendStorage, StorageView } from './backend.js';
export { type Comparison, compareArrays, type Tolerance } from './compare.js';
export {
  type AnyTypedArray,
  allocate,
  DTYPES,
  type DType,
  type HostTensor,
  type TypedArrayOf,
} from './dtype.js';
export * from './errors.js';
export {
  type Activation,
  fffNodes,
  OP_INPUTS,
  OP_NAMES,
  type OpAttrs,
  type OpCatalogue,
  type OpName,
  type OpOutputSpec,
} from './ops/catalogue.js';
export { inferOutputs } from './ops/infer.js';
export { type OpInputs, ops, runOp } from './ops/run.js';
export { createRng, type Rng, randomNormal } from './random.js';
export { ReferenceBackend, referenceBackend } from './reference/backend.js';
export { erf, erfc, gelu } from './reference/erf.js';
export { resolveBackend } from './resolve.js';
export * from './safetensors/index.js';
export { assertValidShape, formatShape, type Shape, shapesEqual, sizeOf } from './shape.js';
export { disposeAll, fromHost, StorageRef, Tensor, tensor } from './tensor.js';
