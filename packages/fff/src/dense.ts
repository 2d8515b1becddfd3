import {
  type Backend,
  createRng,
  fromHost,
  InvalidArgumentError,
  ops,
  type Tensor,
} from '@ultrafastbert/tensor';

export interface DenseFFConfig {
  inputWidth: number;
  hiddenWidth: number;
  outputWidth: number;
  /** Biases on both linears (crammedBERT uses none: `use_bias: false`). */
  bias: boolean;
}

/** Weights in the original layout: dense_in.weight [hidden, in], dense_out.weight [out, hidden]. */
export interface DenseFFWeights {
  denseInWeight: Float32Array;
  denseInBias?: Float32Array;
  denseOutWeight: Float32Array;
  denseOutBias?: Float32Array;
}

/**
 * The dense feedforward block FFF replaces: Linear → exact GELU → Linear. The baseline that
 * CMM is measured against, and crammedBERT's `FFNComponent` (`intermed_type: 'ff'`).
 */
export class DenseFF {
  private constructor(
    readonly config: DenseFFConfig,
    private readonly t: { wIn: Tensor; bIn?: Tensor; wOut: Tensor; bOut?: Tensor },
  ) {}

  static fromWeights(config: DenseFFConfig, w: DenseFFWeights, backend: Backend): DenseFF {
    const { inputWidth: i, hiddenWidth: h, outputWidth: o } = config;
    const check = (name: string, a: Float32Array | undefined, n: number) => {
      if (!a || a.length !== n)
        throw new InvalidArgumentError(`DenseFF: ${name} must have ${n} values, got ${a?.length ?? 'none'}`);
    };
    check('dense_in.weight', w.denseInWeight, h * i);
    check('dense_out.weight', w.denseOutWeight, o * h);
    if (config.bias) {
      check('dense_in.bias', w.denseInBias, h);
      check('dense_out.bias', w.denseOutBias, o);
    }
    const up = (data: Float32Array, shape: number[]) => fromHost(backend, { dtype: 'f32', shape, data });
    return new DenseFF(config, {
      wIn: up(w.denseInWeight, [h, i]),
      wOut: up(w.denseOutWeight, [o, h]),
      bIn: config.bias ? up(w.denseInBias!, [h]) : undefined,
      bOut: config.bias ? up(w.denseOutBias!, [o]) : undefined,
    });
  }

  /** Deterministic random weights, uniform ±1/√fan_in like torch's nn.Linear default. */
  static random(config: DenseFFConfig, backend: Backend, seed = 0): DenseFF {
    const rng = createRng(seed);
    const fill = (n: number, fanIn: number) => {
      const a = new Float32Array(n);
      const lim = 1 / Math.sqrt(fanIn);
      for (let k = 0; k < n; k++) a[k] = rng.uniform(-lim, lim);
      return a;
    };
    const { inputWidth: i, hiddenWidth: h, outputWidth: o, bias } = config;
    return DenseFF.fromWeights(
      config,
      {
        denseInWeight: fill(h * i, i),
        denseOutWeight: fill(o * h, h),
        denseInBias: bias ? fill(h, i) : undefined,
        denseOutBias: bias ? fill(o, h) : undefined,
      },
      backend,
    );
  }

  async forward(x: Tensor): Promise<Tensor<'f32'>> {
    const h = await ops.linear(x, this.t.wIn, { bias: this.t.bIn, activation: 'gelu' });
    try {
      return await ops.linear(h, this.t.wOut, { bias: this.t.bOut });
    } finally {
      h.dispose();
    }
  }

  dispose(): void {
    for (const t of Object.values(this.t)) t?.dispose();
  }
}
