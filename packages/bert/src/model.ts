import { DenseFF, FFFLayer } from '@ultrafastbert/fff';
import {
  type Backend,
  compareArrays,
  disposeAll,
  fromHost,
  type HostTensor,
  isSafetensorsDType,
  ops,
  SAFETENSORS_DTYPES,
  ShapeError,
  shapesEqual,
  sizeOf,
  type Tensor,
} from '@ultrafastbert/tensor';
import { DECODER, type TensorSource, validateCheckpoint, WORD_EMBEDDING } from './checkpoint.js';
import type { BertConfig } from './config.js';
import { CheckpointError, SequenceTooLongError } from './errors.js';
import { scaledPositions, sinusoidTable } from './positions.js';

interface Norm {
  weight: Tensor;
  bias: Tensor;
}
interface Layer {
  norm1: Norm;
  norm2: Norm;
  qkv: Tensor;
  attnOut: Tensor;
  /** attention scale: the checkpoint's 0-d `norm_factor` buffer */
  scale: number;
  ffn: FFFLayer | DenseFF;
}

export interface ForwardInput {
  /** Token ids, i32 [B, S] (host arrays or a tensor on the model's backend). */
  inputIds: HostTensor<'i32'> | Tensor;
  /** 1 = real token, 0 = padding, i32 [B, S]. Omitted: nothing is masked (the original's `None`). */
  attentionMask?: HostTensor<'i32'> | Tensor;
  /** Also return the embedding output, every layer's output and the FFF routing paths. */
  debug?: boolean;
}

export interface ForwardOutput {
  /** Encoder output after final_norm, [B, S, H]. */
  hidden: Tensor<'f32'>;
  /** MLM models: logits at every position flattened as the original, [B*S, V]. */
  mlmLogits?: Tensor<'f32'>;
  /** Classification models: [B, num_labels], and the pooler output [B, head_dim]. */
  logits?: Tensor<'f32'>;
  pooled?: Tensor<'f32'>;
  debug?: { embeddingOut: Tensor<'f32'>; layerOuts: Tensor<'f32'>[]; fffPaths: Tensor<'i32'>[] };
}

/**
 * crammedBERT / UltraFastBERT on a backend: pre-norm layers, per-head interleaved QKV,
 * scaled-sinusoidal positions, additive -10000 key mask, FFF (or dense FF) blocks,
 * tied MLM decoder and the classification head, exactly as ../shared/golden/README.md.
 * Build one with `loadModel`.
 */
export class BertModel {
  private readonly positionCache = new Map<number, Tensor>();

  private constructor(
    readonly config: BertConfig,
    readonly backend: Backend,
    private readonly w: {
      wordEmbedding: Tensor;
      embNorm: Norm;
      posTable: Float32Array;
      posScale: number;
      layers: Layer[];
      finalNorm?: Norm;
      decoder?: Tensor;
      pooler?: { weight: Tensor; bias: Tensor };
      head?: { weight: Tensor; bias: Tensor };
    },
  ) {}

  /** Validate `src` against `config` (one error listing every problem), then upload it tensor by tensor. */
  static async fromTensors(
    config: BertConfig,
    src: TensorSource,
    backend: Backend,
    source: string,
  ): Promise<BertModel> {
    validateCheckpoint(config, src, source);
    const names = new Set(src.names);
    const uploaded: Array<{ dispose(): void }> = [];
    const shapeOf = (name: string) => src.entry(name).shape;
    // Layer tensors are read into three reused buffers and uploaded at once (backends copy on
    // upload): touching fresh memory for every tensor was a third of a 755 MB load. Larger tensors
    // (the embedding) do not fit and are read into fresh memory.
    const bytes = Math.max(
      0,
      ...src.names.filter((n) => n.startsWith('encoder.layers.')).map((n) => 4 * sizeOf(shapeOf(n))),
    );
    const [s0, s1, s2] = [0, 1, 2].map(() => new ArrayBuffer(bytes));
    const up = async (name: string): Promise<Tensor> => {
      const t = fromHost(backend, {
        dtype: 'f32',
        shape: shapeOf(name),
        data: await src.readFloat32(name, s0),
      });
      uploaded.push(t);
      return t;
    };
    const norm = async (p: string): Promise<Norm> => ({
      weight: await up(`${p}.weight`),
      bias: await up(`${p}.bias`),
    });
    const scalar = async (name: string) => (await src.readFloat32(name))[0]!;
    try {
      const H = config.hiddenSize;
      const embName = names.has(WORD_EMBEDDING) ? WORD_EMBEDDING : DECODER;
      const wordEmbedding = await up(embName);
      if (names.has(WORD_EMBEDDING) && names.has(DECODER) && config.head === 'mlm')
        await checkTied(src, source, s0, s1);
      const layers: Layer[] = [];
      for (let i = 0; i < config.numLayers; i++) {
        const p = `encoder.layers.${i}.`;
        const layer: Layer = {
          norm1: await norm(`${p}norm1`),
          norm2: await norm(`${p}norm2`),
          qkv: await up(`${p}attn.self_attention.query_key_value.weight`),
          attnOut: await up(`${p}attn.dense.weight`),
          scale: await scalar(`${p}attn.self_attention.norm_factor`),
          ffn:
            config.ffn.type === 'fff'
              ? FFFLayer.fromWeights(
                  { inputWidth: H, outputWidth: H, depth: config.ffn.depth, trees: config.ffn.trees },
                  {
                    linearInWeight: await src.readFloat32(`${p}ffn.linear_in.weight`, s0),
                    linearInBias: await src.readFloat32(`${p}ffn.linear_in.bias`),
                    linearOutWeight: await src.readFloat32(`${p}ffn.linear_out.weight`, s1),
                  },
                  backend,
                  s2,
                )
              : DenseFF.fromWeights(
                  { inputWidth: H, hiddenWidth: config.ffn.width, outputWidth: H, bias: false },
                  {
                    denseInWeight: await src.readFloat32(`${p}ffn.dense_in.weight`, s0),
                    denseOutWeight: await src.readFloat32(`${p}ffn.dense_out.weight`, s1),
                  },
                  backend,
                ),
        };
        layers.push(layer);
        uploaded.push(layer.ffn);
      }
      const cls = config.classifier;
      return new BertModel(config, backend, {
        wordEmbedding,
        embNorm: await norm('encoder.embedding.norm'),
        posTable: sinusoidTable(config.maxSeqLength, H),
        posScale: await scalar('encoder.embedding.pos_embedding.scale_factor'),
        layers,
        finalNorm: config.finalNorm ? await norm('encoder.final_norm') : undefined,
        // Tied decoder: the word embedding IS the decoder, so it is held once.
        decoder: config.head === 'mlm' ? wordEmbedding : undefined,
        pooler: cls?.includeFFLayer
          ? { weight: await up('pooler.dense.weight'), bias: await up('pooler.dense.bias') }
          : undefined,
        head: cls ? { weight: await up('head.weight'), bias: await up('head.bias') } : undefined,
      });
    } catch (e) {
      for (const t of uploaded) t.dispose();
      throw e;
    }
  }

  private toTensor(t: HostTensor<'i32'> | Tensor, what: string): { t: Tensor; owned: boolean } {
    if ('ref' in t) return { t, owned: false };
    if (t.dtype !== 'i32') throw new ShapeError(`${what} must be i32`);
    return { t: fromHost(this.backend, t), owned: true };
  }

  private positions(seqLen: number): Tensor {
    let p = this.positionCache.get(seqLen);
    if (!p) {
      const H = this.config.hiddenSize;
      p = fromHost(this.backend, {
        dtype: 'f32',
        shape: [seqLen, H],
        data: scaledPositions(this.w.posTable, seqLen, H, this.w.posScale),
      });
      this.positionCache.set(seqLen, p);
    }
    return p;
  }

  private layerNorm(x: Tensor, n: Norm): Promise<Tensor<'f32'>> {
    return ops.layerNorm(x, n.weight, n.bias, this.config.normEps);
  }

  /** Run the encoder, then the model's head. Every returned tensor is the caller's to dispose. */
  forward(input: ForwardInput): Promise<ForwardOutput> {
    return this.execute(input, true);
  }

  /** The encoder output only (no head runs), [B, S, H]. */
  async encode(
    inputIds: HostTensor<'i32'> | Tensor,
    attentionMask?: HostTensor<'i32'> | Tensor,
  ): Promise<Tensor<'f32'>> {
    return (await this.execute({ inputIds, attentionMask }, false)).hidden;
  }

  private async execute(input: ForwardInput, withHead: boolean): Promise<ForwardOutput> {
    const ids = this.toTensor(input.inputIds, 'inputIds');
    const mask = input.attentionMask ? this.toTensor(input.attentionMask, 'attentionMask') : undefined;
    try {
      if (ids.t.rank !== 2)
        throw new ShapeError(`inputIds must be [batch, seq], got [${ids.t.shape.join(', ')}]`);
      const [B, S] = ids.t.shape as [number, number];
      if (mask && (mask.t.shape[0] !== B || mask.t.shape[1] !== S))
        throw new ShapeError(`attentionMask [${mask.t.shape.join(', ')}] must match inputIds [${B}, ${S}]`);
      if (S > this.config.maxSeqLength)
        throw new SequenceTooLongError(
          `sequence length ${S} exceeds the model's max_seq_length ${this.config.maxSeqLength} (truncate the input)`,
        );
      return await this.run(ids.t, mask?.t, B, S, input.debug ?? false, withHead);
    } finally {
      if (ids.owned) ids.t.dispose();
      if (mask?.owned) mask.t.dispose();
    }
  }

  private async run(
    ids: Tensor,
    mask: Tensor | undefined,
    B: number,
    S: number,
    debug: boolean,
    withHead: boolean,
  ): Promise<ForwardOutput> {
    const cfg = this.config;
    const dbg = debug
      ? {
          embeddingOut: undefined as unknown as Tensor<'f32'>,
          layerOuts: [] as Tensor<'f32'>[],
          fffPaths: [] as Tensor<'i32'>[],
        }
      : undefined;

    const words = await ops.embedding(this.w.wordEmbedding, ids);
    const summed = await ops.add(words, this.positions(S));
    words.dispose();
    let h = await this.layerNorm(summed, this.w.embNorm);
    summed.dispose();
    if (dbg) dbg.embeddingOut = h.reshape(h.shape);

    for (const layer of this.w.layers) {
      // h = h + attn.dense(SelfAttn(norm1(h)))
      const n1 = await this.layerNorm(h, layer.norm1);
      const qkv = await ops.linear(n1, layer.qkv);
      n1.dispose();
      const ctx = await ops.attention(qkv, { heads: cfg.numHeads, scale: layer.scale, mask });
      qkv.dispose();
      const attn = await ops.linear(ctx, layer.attnOut);
      ctx.dispose();
      const h1 = await ops.add(h, attn);
      disposeAll(h, attn);
      // h = h + FFN(norm2(h))
      const n2 = await this.layerNorm(h1, layer.norm2);
      const f = await layer.ffn.forward(n2);
      if (dbg && layer.ffn instanceof FFFLayer) dbg.fffPaths.push(await layer.ffn.route(n2));
      n2.dispose();
      h = await ops.add(h1, f);
      disposeAll(h1, f);
      if (dbg) dbg.layerOuts.push(h.reshape(h.shape));
    }
    if (this.w.finalNorm) {
      const n = await this.layerNorm(h, this.w.finalNorm);
      h.dispose();
      h = n;
    }
    const out: ForwardOutput = { hidden: h, debug: dbg };
    if (!withHead) return out;
    if (cfg.head === 'mlm' && this.w.decoder) {
      const logits = await ops.linear(h, this.w.decoder);
      out.mlmLogits = logits.reshape([B * S, cfg.vocabSize]);
      logits.dispose();
    } else if (cfg.head === 'classification') {
      Object.assign(out, await this.classify(h, B, S));
    }
    return out;
  }

  private async classify(
    h: Tensor<'f32'>,
    B: number,
    S: number,
  ): Promise<{ pooled: Tensor<'f32'>; logits: Tensor<'f32'> }> {
    const cls = this.config.classifier!;
    let pooledIn: Tensor<'f32'>;
    if (cls.pooler === 'avg') {
      pooledIn = await ops.meanPool(h); // over ALL positions, padding included, as the original
    } else {
      const flat = h.reshape([B * S, this.config.hiddenSize]);
      const first = fromHost(this.backend, {
        dtype: 'i32',
        shape: [B],
        data: Int32Array.from({ length: B }, (_, b) => b * S),
      });
      pooledIn = await ops.embedding(flat, first);
      disposeAll(flat, first);
    }
    let pooled = pooledIn;
    if (this.w.pooler) {
      pooled = await ops.linear(pooledIn, this.w.pooler.weight, {
        bias: this.w.pooler.bias,
        activation: 'tanh',
      });
      pooledIn.dispose();
    }
    const logits = await ops.linear(pooled, this.w.head!.weight, { bias: this.w.head!.bias });
    return { pooled, logits };
  }

  /** MLM logits only at the given flat positions (b*S + s) of `hidden` [B, S, H]: [M, V]. */
  async mlmLogitsAt(hidden: Tensor, positions: readonly number[]): Promise<Tensor<'f32'>> {
    if (!this.w.decoder) throw new ShapeError('this model has no MLM decoder');
    const [B, S, H] = hidden.shape as [number, number, number];
    const flat = hidden.reshape([B * S, H]);
    const pos = fromHost(this.backend, {
      dtype: 'i32',
      shape: [positions.length],
      data: Int32Array.from(positions),
    });
    try {
      const rows = await ops.embedding(flat, pos);
      const logits = await ops.linear(rows, this.w.decoder);
      rows.dispose();
      return logits;
    } finally {
      disposeAll(flat, pos);
    }
  }

  dispose(): void {
    const w = this.w;
    disposeAll(w.wordEmbedding, w.embNorm, w.finalNorm, w.pooler, w.head, [...this.positionCache.values()]);
    for (const l of w.layers) {
      disposeAll(l.norm1, l.norm2, l.qkv, l.attnOut);
      l.ffn.dispose();
    }
    this.positionCache.clear();
  }
}

/**
 * Tied weights stored twice: make sure they really are the same before using one. Equal bytes
 * settle it (the usual case), compared a piece at a time through the loader's scratch buffers
 * when the source reads from disk, so two 94 MB copies are never held at once; otherwise, or
 * when the bytes differ, the element-wise comparison decides and names the difference.
 */
async function checkTied(src: TensorSource, source: string, a: ArrayBuffer, b: ArrayBuffer): Promise<void> {
  const [x, y] = [src.entry(DECODER), src.entry(WORD_EMBEDDING)];
  if (src.readBytes && x.dtype === y.dtype && isSafetensorsDType(x.dtype) && a.byteLength > 0) {
    const total = sizeOf(x.shape) * SAFETENSORS_DTYPES[x.dtype].size;
    let same = shapesEqual(x.shape, y.shape);
    for (let at = 0; same && at < total; at += a.byteLength) {
      const n = Math.min(a.byteLength, total - at);
      same = sameBytes(await src.readBytes(DECODER, at, n, a), await src.readBytes(WORD_EMBEDDING, at, n, b));
    }
    if (same) return;
  }
  const [dx, dy] = [await src.readFloat32(DECODER), await src.readFloat32(WORD_EMBEDDING)];
  const cmp = sameBytes(bytesOf(dx), bytesOf(dy)) ? { ok: true, message: '' } : compareArrays(dx, dy);
  if (!cmp.ok)
    throw new CheckpointError(source, [
      `'${DECODER}' and '${WORD_EMBEDDING}' are tied but differ: ${cmp.message}`,
    ]);
}

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Whether two byte arrays are equal (compared four bytes at a time where both are aligned). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const n4 = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 ? a.length >> 2 : 0;
  const x = new Int32Array(a.buffer, a.byteOffset, n4);
  const y = new Int32Array(b.buffer, b.byteOffset, n4);
  for (let i = 0; i < n4; i++) if (x[i] !== y[i]) return false;
  for (let i = n4 * 4; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
