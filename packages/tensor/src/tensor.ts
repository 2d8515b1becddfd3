import type { Backend, BackendStorage } from './backend.js';
import type { DType, HostTensor, TypedArrayOf } from './dtype.js';
import { ShapeError, TensorDisposedError } from './errors.js';
import { assertValidShape, formatShape, type Shape, sizeOf } from './shape.js';

/**
 * Reference-counted backend storage. Several tensor handles can share one buffer (`reshape`),
 * and a running op holds a reference to its inputs, so `dispose()` during an op is safe:
 * the buffer is freed when the last holder lets go.
 */
export class StorageRef {
  private refs = 1;
  constructor(
    readonly backend: Backend,
    readonly storage: BackendStorage,
  ) {}
  retain(): void {
    this.refs++;
  }
  release(): void {
    if (--this.refs === 0) this.backend.free(this.storage);
  }
  get alive(): boolean {
    return this.refs > 0;
  }
}

let nextId = 0;

/**
 * A handle to data owned by a backend. Immutable: ops return new tensors.
 * Data leaves the backend only through the async `data()`.
 */
export class Tensor<D extends DType = DType> {
  readonly id = nextId++;
  readonly shape: Shape;
  readonly size: number;
  private disposedFlag = false;

  /** @internal Use `fromHost`/`tensor` or an op to make tensors. */
  constructor(
    readonly ref: StorageRef,
    shape: Shape,
    readonly dtype: D,
  ) {
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
  }

  get backend(): Backend {
    return this.ref.backend;
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** @internal Throws if disposed; `what` names the use in the error. */
  assertAlive(what: string): void {
    if (this.disposedFlag) {
      throw new TensorDisposedError(`${what}: tensor #${this.id} ${formatShape(this.shape)} was disposed`);
    }
  }

  /** Copy the data to the host. */
  async data(): Promise<TypedArrayOf<D>> {
    this.assertAlive('data()');
    this.ref.retain();
    try {
      return (await this.backend.read(this.ref.storage, this.dtype, this.size)) as TypedArrayOf<D>;
    } finally {
      this.ref.release();
    }
  }

  /** Copy to the host together with shape and dtype. */
  async toHost(): Promise<HostTensor<D>> {
    return { dtype: this.dtype, shape: this.shape, data: await this.data() };
  }

  /** A new handle on the same storage with another shape of the same size. Dispose both. */
  reshape(shape: Shape): Tensor<D> {
    this.assertAlive('reshape()');
    assertValidShape(shape, 'reshape()');
    if (sizeOf(shape) !== this.size) {
      throw new ShapeError(
        `reshape(): cannot view ${formatShape(this.shape)} (${this.size} elements) as ${formatShape(shape)}`,
      );
    }
    this.ref.retain();
    return new Tensor(this.ref, shape, this.dtype);
  }

  /** Release this handle. Idempotent. The storage is freed when no handle or running op holds it. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.ref.release();
  }

  toString(): string {
    return `Tensor#${this.id}(${this.dtype} ${formatShape(this.shape)} on ${this.backend.name})`;
  }
}

/** Upload host data to `backend`. */
export function fromHost<D extends DType>(backend: Backend, host: HostTensor<D>): Tensor<D> {
  assertValidShape(host.shape, 'fromHost()');
  const expected = sizeOf(host.shape);
  if (host.data.length !== expected) {
    throw new ShapeError(
      `fromHost(): shape ${formatShape(host.shape)} needs ${expected} elements, data has ${host.data.length}`,
    );
  }
  const storage = backend.upload(host.data, host.dtype);
  return new Tensor(new StorageRef(backend, storage), host.shape, host.dtype);
}

/** Convenience: `tensor(backend, new Float32Array([...]), [2, 3])`; dtype follows the array type. */
export function tensor(backend: Backend, data: Float32Array | Int32Array, shape: Shape): Tensor {
  const dtype: DType = data instanceof Int32Array ? 'i32' : 'f32';
  return fromHost(backend, { dtype, shape, data: data as TypedArrayOf<typeof dtype> });
}

/** Dispose every tensor in a (possibly nested) collection; ignores non-tensors. */
export function disposeAll(...items: unknown[]): void {
  for (const item of items) {
    if (item instanceof Tensor) item.dispose();
    else if (Array.isArray(item)) disposeAll(...item);
    else if (item && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      disposeAll(...Object.values(item));
    }
  }
}
