import type { AnyTypedArray, DType } from './dtype.js';
import type { OpAttrs, OpName, OpOutputSpec } from './ops/catalogue.js';
import type { Shape } from './shape.js';

/** Opaque per-backend buffer. The core never looks inside; it only passes it back. */
export type BackendStorage = object;

/** What a backend sees of an input tensor: its storage plus the metadata the core already validated. */
export interface StorageView {
  readonly storage: BackendStorage;
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * The small surface every backend implements (cf. candle's per-device `Backend` trait).
 *
 * The core (`Tensor`, `runOp`) validates shapes, dtypes and ownership BEFORE calling a backend,
 * so a backend may trust the metadata it receives. Data-dependent checks (token ids inside the
 * embedding table) are the backend's job and must reject with `IndexOutOfRangeError`.
 */
export interface Backend {
  /** Short stable name, e.g. `reference`, `cpu`, `webgpu`. */
  readonly name: string;
  /** Whether `op` runs on tensors of `dtype` (the dtype of the op's first input). */
  supports(op: OpName, dtype: DType): boolean;
  /** Copy host data into storage this backend owns. The caller may reuse `data` afterwards. */
  upload(data: AnyTypedArray, dtype: DType): BackendStorage;
  /** Copy storage back to the host. Always async: some backends must wait for a device. */
  read(storage: BackendStorage, dtype: DType, size: number): Promise<AnyTypedArray>;
  /** Release storage. Called exactly once per storage, when its last tensor handle is disposed. */
  free(storage: BackendStorage): void;
  /**
   * Run one op from the catalogue. Inputs are keyed as in the catalogue; outputs follow
   * `outputs` (shapes inferred and checked by the core) and are returned in that order.
   */
  run<K extends OpName>(
    op: K,
    inputs: Readonly<Record<string, StorageView | undefined>>,
    attrs: OpAttrs[K],
    outputs: readonly OpOutputSpec[],
  ): Promise<BackendStorage[]>;
  /** Optional: release everything this backend holds (threads, device). */
  destroy?(): void;
}

/** A backend, a promise of one, or a factory: what `resolveBackend` accepts as a candidate. */
export type BackendCandidate =
  | Backend
  | Promise<Backend>
  | { name: string; create: () => Backend | Promise<Backend> };
