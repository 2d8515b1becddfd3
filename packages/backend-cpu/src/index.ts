import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AnyTypedArray,
  type Backend,
  type BackendStorage,
  type DType,
  IndexOutOfRangeError,
  InvalidArgumentError,
  OP_INPUTS,
  type OpAttrs,
  type OpName,
  type OpOutputSpec,
  ShapeError,
  type StorageView,
  sizeOf,
  TensorDisposedError,
  UltraFastBertError,
} from '@ultrafastbert/tensor';

/** Instruction set the kernels were dispatched to at runtime. */
export type CpuIsa = 'avx512' | 'avx2' | 'portable';

export interface CpuBackendOptions {
  /** Threads in the pool (the calling worker thread included). Default: env `ULTRAFASTBERT_NUM_THREADS`, else `os.availableParallelism()`. */
  threads?: number;
  /** Force a kernel set (must be supported by this CPU). Default: env `ULTRAFASTBERT_CPU_ISA`, else the best available. */
  isa?: CpuIsa;
  /**
   * Calls whose estimated work (in flops) is below this run synchronously on the JS thread; the rest run
   * on a worker thread and the thread pool, off the event loop. Default 5e5 (tens of microseconds).
   * 0 sends every call to the worker.
   */
  syncWorkLimit?: number;
}

/** The native addon could not be loaded (not built, wrong platform, ...). `addonPath` is the file tried. */
export class CpuAddonLoadError extends UltraFastBertError {
  readonly addonPath: string;
  constructor(addonPath: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      'E_CPU_ADDON_LOAD',
      `@ultrafastbert/backend-cpu: cannot load the native addon at ${addonPath}: ${why}. ` +
        'Rebuild it with `pnpm --filter @ultrafastbert/backend-cpu run install`, or fall back to another backend ' +
        'with resolveBackend().',
      { cause },
    );
    this.addonPath = addonPath;
  }
}

type NativeHandle = object & { readonly __native: unique symbol };
type NativeCtx = object & { readonly __ctx: unique symbol };

interface NativeAddon {
  detect(): { avx2: boolean; avx512: boolean };
  createContext(threads: number, isa: string): { ctx: NativeCtx; isa: CpuIsa };
  destroyContext(ctx: NativeCtx): void;
  /** Copies `data` into native memory (a large copy split over `threads` threads). */
  upload(data: Float32Array | Int32Array, threads?: number): NativeHandle;
  read(h: NativeHandle, dest: Float32Array | Int32Array): void;
  free(h: NativeHandle): void;
  size(h: NativeHandle): number;
  run(
    ctx: NativeCtx,
    op: number,
    inputs: (NativeHandle | null)[],
    ints: number[],
    floats: number[],
    outSizes: number[],
    async: boolean,
  ): NativeHandle[] | Promise<NativeHandle[]>;
}

/** Path of the addon this package loads: env `ULTRAFASTBERT_CPU_ADDON`, else `build/Release/ultrafastbert_cpu.node`. */
export function addonPath(): string {
  const override = process.env.ULTRAFASTBERT_CPU_ADDON;
  if (override) return path.resolve(override);
  return path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../build/Release/ultrafastbert_cpu.node',
  );
}

let cached: { path: string; addon: NativeAddon } | undefined;

function loadAddon(): NativeAddon {
  const p = addonPath();
  if (cached && cached.path === p) return cached.addon;
  try {
    const addon = createRequire(import.meta.url)(p) as NativeAddon;
    if (typeof addon?.run !== 'function') throw new Error('the file does not export the expected functions');
    cached = { path: p, addon };
    return addon;
  } catch (e) {
    throw new CpuAddonLoadError(p, e);
  }
}

const OP_CODES: Record<OpName, number> = {
  linear: 0,
  fff: 1,
  fffRoute: 2,
  layerNorm: 3,
  attention: 4,
  gelu: 5,
  tanh: 6,
  add: 7,
  embedding: 8,
  meanPool: 9,
  softmax: 10,
  topk: 11,
};

const ACTIVATIONS = { none: 0, gelu: 1, tanh: 2 } as const;

class CpuStorage {
  freed = false;
  constructor(
    readonly handle: NativeHandle,
    readonly size: number,
    readonly dtype: DType,
  ) {}
}

function mapNativeError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof UltraFastBertError) return e;
  const code = (e as Error & { code?: unknown }).code;
  switch (code) {
    case 'E_INDEX_RANGE':
      return new IndexOutOfRangeError(e.message);
    case 'E_SHAPE':
      return new ShapeError(e.message);
    case 'E_DISPOSED':
      return new TensorDisposedError(e.message);
    case 'E_INVALID_ARGUMENT':
      return new InvalidArgumentError(e.message);
    default:
      return typeof code === 'string' ? new UltraFastBertError(code, e.message, { cause: e }) : e;
  }
}

const rows = (s: readonly number[]) => s.slice(0, -1).reduce((p, d) => p * d, 1);
const last = (s: readonly number[]) => s[s.length - 1] ?? 1;

function resolveThreads(threads: number | undefined): number {
  let t = threads;
  let source = 'option threads';
  if (t === undefined) {
    const env = process.env.ULTRAFASTBERT_NUM_THREADS;
    if (env !== undefined && env !== '') {
      t = Number(env);
      source = 'ULTRAFASTBERT_NUM_THREADS';
    } else {
      t = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
      source = 'os.availableParallelism()';
    }
  }
  if (!Number.isSafeInteger(t) || t < 1 || t > 1024) {
    throw new InvalidArgumentError(
      `cpu backend: ${source} must be an integer in [1, 1024], got ${String(t)}`,
    );
  }
  return t;
}

/**
 * Native CPU backend: C++17 kernels (AVX-512 / AVX2+FMA / portable, chosen at runtime), a thread pool,
 * and calls that do real work off the JS thread.
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly #addon: NativeAddon;
  #ctx: NativeCtx | undefined;
  readonly #threads: number;
  readonly #isa: CpuIsa;
  readonly #syncWorkLimit: number;

  /** @internal Use `cpuBackend()`. */
  constructor(addon: NativeAddon, options: CpuBackendOptions = {}) {
    this.#addon = addon;
    this.#threads = resolveThreads(options.threads);
    const isa = options.isa ?? (process.env.ULTRAFASTBERT_CPU_ISA as CpuIsa | undefined) ?? '';
    if (isa !== '' && isa !== 'avx512' && isa !== 'avx2' && isa !== 'portable') {
      throw new InvalidArgumentError(`cpu backend: unknown isa '${String(isa)}' (avx512, avx2 or portable)`);
    }
    const limit = options.syncWorkLimit ?? 5e5;
    if (typeof limit !== 'number' || !(limit >= 0)) {
      throw new InvalidArgumentError(`cpu backend: syncWorkLimit must be >= 0, got ${String(limit)}`);
    }
    this.#syncWorkLimit = limit;
    try {
      const { ctx, isa: got } = addon.createContext(this.#threads, isa);
      this.#ctx = ctx;
      this.#isa = got;
    } catch (e) {
      throw mapNativeError(e);
    }
  }

  /** Threads in the pool. */
  get threads(): number {
    return this.#threads;
  }

  /** Kernel set in use. */
  get isa(): CpuIsa {
    return this.#isa;
  }

  supports(op: OpName, dtype: DType): boolean {
    return op in OP_CODES && OP_INPUTS[op][0]!.dtype === dtype;
  }

  upload(data: AnyTypedArray, dtype: DType): BackendStorage {
    if (dtype === 'f32' ? !(data instanceof Float32Array) : !(data instanceof Int32Array)) {
      throw new ShapeError(
        `cpu backend: upload of ${dtype} needs a ${dtype === 'f32' ? 'Float32' : 'Int32'}Array`,
      );
    }
    return new CpuStorage(this.#addon.upload(data, this.#threads), data.length, dtype);
  }

  async read(storage: BackendStorage, dtype: DType, size: number): Promise<AnyTypedArray> {
    const s = this.#storage(storage, 'read');
    if (size !== s.size)
      throw new ShapeError(`cpu backend: read of ${size} elements from a storage of ${s.size}`);
    const out = dtype === 'f32' ? new Float32Array(size) : new Int32Array(size);
    this.#addon.read(s.handle, out);
    return out;
  }

  free(storage: BackendStorage): void {
    if (!(storage instanceof CpuStorage) || storage.freed) return;
    storage.freed = true;
    this.#addon.free(storage.handle);
  }

  /** Stop the thread pool. Calls made afterwards reject; calls already running finish. */
  destroy(): void {
    if (this.#ctx) this.#addon.destroyContext(this.#ctx);
    this.#ctx = undefined;
  }

  #storage(storage: BackendStorage, what: string): CpuStorage {
    if (!(storage instanceof CpuStorage))
      throw new ShapeError(`cpu backend: ${what}: storage is not from a cpu backend`);
    if (storage.freed) throw new TensorDisposedError(`cpu backend: ${what}: storage was freed`);
    return storage;
  }

  /** Bounds check in JS before native code sees the storage: dtype and element count must match the shape. */
  #input(
    inputs: Readonly<Record<string, StorageView | undefined>>,
    name: string,
    op: OpName,
  ): CpuStorage | null {
    const v = inputs[name];
    if (!v) return null;
    const s = this.#storage(v.storage, `${op} input '${name}'`);
    const want = sizeOf(v.shape);
    if (s.size !== want || s.dtype !== v.dtype) {
      throw new ShapeError(
        `cpu backend: ${op} input '${name}' holds ${s.size} ${s.dtype} elements, its shape [${v.shape.join(', ')}] needs ${want} ${v.dtype}`,
      );
    }
    return s;
  }

  async run<K extends OpName>(
    op: K,
    inputs: Readonly<Record<string, StorageView | undefined>>,
    attrs: OpAttrs[K],
    outputs: readonly OpOutputSpec[],
  ): Promise<BackendStorage[]> {
    const ctx = this.#ctx;
    if (!ctx) throw new UltraFastBertError('E_DESTROYED', 'cpu backend: destroy() was called');
    const code = OP_CODES[op];
    if (code === undefined) throw new InvalidArgumentError(`cpu backend: unknown op '${String(op)}'`);
    const specs = OP_INPUTS[op];
    const stores = specs.map((s) => this.#input(inputs, s.name, op));
    for (const [i, s] of specs.entries()) {
      if (!s.optional && !stores[i]) throw new ShapeError(`cpu backend: ${op}: missing input '${s.name}'`);
    }
    const shape = (name: string) => inputs[name]!.shape;
    const a = attrs as Record<string, unknown>;
    let ints: number[];
    let floats: number[] = [];
    let work: number;
    switch (op) {
      case 'linear': {
        const x = shape('x');
        const [M, K, N] = [rows(x), last(x), shape('weight')[0]!];
        ints = [M, K, N, ACTIVATIONS[(a.activation as keyof typeof ACTIVATIONS) ?? 'none'] ?? 0];
        work = 2 * M * K * N;
        break;
      }
      case 'fff':
      case 'fffRoute': {
        const x = shape('x');
        const out = op === 'fff' ? shape('wOut')[1]! : 0;
        const depth = a.depth as number;
        const trees = a.trees as number;
        ints = [rows(x), last(x), out, depth, trees];
        work = 2 * rows(x) * trees * (depth + 1) * (last(x) + out);
        break;
      }
      case 'layerNorm': {
        const x = shape('x');
        ints = [rows(x), last(x)];
        floats = [a.eps as number];
        work = 8 * sizeOf(x);
        break;
      }
      case 'attention': {
        const [B, S, W3] = shape('qkv') as [number, number, number];
        ints = [B, S, W3 / 3, a.heads as number];
        floats = [a.scale as number];
        work = 4 * B * S * S * (W3 / 3);
        break;
      }
      case 'gelu':
      case 'tanh':
        ints = [sizeOf(shape('x'))];
        work = 20 * ints[0]!;
        break;
      case 'add':
        ints = [sizeOf(shape('a')), sizeOf(shape('b'))];
        work = 2 * ints[0]!;
        break;
      case 'embedding': {
        const t = shape('table');
        ints = [t[0]!, t[1]!, sizeOf(shape('ids'))];
        work = 2 * ints[1]! * ints[2]!;
        break;
      }
      case 'meanPool': {
        const [B, S, H] = shape('x') as [number, number, number];
        ints = [B, S, H];
        work = 2 * B * S * H;
        break;
      }
      case 'softmax': {
        const x = shape('x');
        ints = [rows(x), last(x)];
        work = 20 * sizeOf(x);
        break;
      }
      case 'topk': {
        const x = shape('x');
        ints = [rows(x), last(x), a.k as number];
        work = 10 * sizeOf(x);
        break;
      }
      default:
        throw new InvalidArgumentError(`cpu backend: unknown op '${String(op)}'`);
    }
    const outSizes = outputs.map((o) => sizeOf(o.shape));
    const handles = stores.map((s) => (s ? s.handle : null));
    const async = work >= this.#syncWorkLimit;
    let result: NativeHandle[];
    try {
      result = await this.#addon.run(ctx, code, handles, ints, floats, outSizes, async);
    } catch (e) {
      throw mapNativeError(e);
    }
    return result.map((h, i) => new CpuStorage(h, outSizes[i]!, outputs[i]!.dtype));
  }
}

/** Load the addon and create a CPU backend. Throws `CpuAddonLoadError` when the addon is unavailable. */
export async function cpuBackend(options: CpuBackendOptions = {}): Promise<CpuBackend> {
  return new CpuBackend(loadAddon(), options);
}

/** What the CPU offers to this build, without creating a backend. */
export function cpuFeatures(): { avx2: boolean; avx512: boolean } {
  return loadAddon().detect();
}
