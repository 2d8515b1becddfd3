import { type Backend, createRng, fromHost, ops, type Tensor } from '@ultrafastbert/tensor';
import { type FFFConfig, totalNodes, validateFFFConfig } from './config.js';
import { checkFFFWeights, type FFFWeights, randomFFFWeights, toNodeMajor } from './weights.js';

/**
 * A fast feedforward layer on a backend. Each input row evaluates only depth+1 nodes per tree
 * (conditional matrix multiplication, the backend's `fff` op) instead of all K·N.
 */
export class FFFLayer {
  private constructor(
    readonly config: FFFConfig,
    readonly backend: Backend,
    private readonly wIn: Tensor,
    private readonly bIn: Tensor,
    /** linear_out transposed to node-major [K*N, out]. */
    private readonly wOut: Tensor,
  ) {}

  /**
   * Upload weights given in the original layout; linear_out is transposed once here (into
   * `scratch` when it is large enough: the transposed copy is uploaded at once, so a loader can
   * reuse one buffer for every layer instead of touching fresh memory for each).
   */
  static fromWeights(
    config: FFFConfig,
    weights: FFFWeights,
    backend: Backend,
    scratch?: ArrayBuffer,
  ): FFFLayer {
    validateFFFConfig(config);
    checkFFFWeights(config, weights);
    const n = totalNodes(config);
    const wIn = fromHost(backend, {
      dtype: 'f32',
      shape: [n, config.inputWidth],
      data: weights.linearInWeight,
    });
    const bIn = fromHost(backend, { dtype: 'f32', shape: [n], data: weights.linearInBias });
    const nodeMajor = toNodeMajor(weights.linearOutWeight, config.outputWidth, n, scratch);
    const wOut = fromHost(backend, { dtype: 'f32', shape: [n, config.outputWidth], data: nodeMajor });
    return new FFFLayer(config, backend, wIn, bIn, wOut);
  }

  /** A layer with deterministic random weights (see `randomFFFWeights`). */
  static random(config: FFFConfig, backend: Backend, seed = 0): FFFLayer {
    return FFFLayer.fromWeights(
      config,
      randomFFFWeights(validateFFFConfig(config), createRng(seed)),
      backend,
    );
  }

  private get attrs() {
    return { depth: this.config.depth, trees: this.config.trees };
  }

  /** y = FFF(x) for x of shape [..., inputWidth]; returns [..., outputWidth]. */
  forward(x: Tensor): Promise<Tensor<'f32'>> {
    return ops.fff(x, { wIn: this.wIn, bIn: this.bIn, wOut: this.wOut }, this.attrs);
  }

  /** Visited node (index within its tree) per level: i32 [rows, trees, depth+1], rows = x's leading dims flattened. */
  route(x: Tensor): Promise<Tensor<'i32'>> {
    return ops.fffRoute(x, { wIn: this.wIn, bIn: this.bIn }, this.attrs);
  }

  dispose(): void {
    this.wIn.dispose();
    this.bIn.dispose();
    this.wOut.dispose();
  }
}
