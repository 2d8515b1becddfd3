import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceBackend, SafetensorsError, serializeSafetensors } from '@ultrafastbert/tensor';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  ConfigError,
  loadModel,
  type ModelFiles,
  parseConfig,
  randomCheckpoint,
  SequenceTooLongError,
} from '../src/index.js';
import { loadModel as loadModelFromDir } from '../src/node.js';

type Tensors = ReturnType<typeof randomCheckpoint>['tensors'];

function files(mutate: (t: Tensors, config: Record<string, unknown>) => void = () => {}): ModelFiles {
  const ckpt = randomCheckpoint('tiny-fff', 1);
  mutate(ckpt.tensors, ckpt.config);
  return {
    'config.json': JSON.stringify(ckpt.config),
    'model.safetensors': serializeSafetensors(ckpt.tensors as Parameters<typeof serializeSafetensors>[0]),
  };
}

/** A reference backend that counts live storages, to prove nothing half-loads. */
class Counting extends ReferenceBackend {
  live = 0;
  override upload(d: Float32Array | Int32Array) {
    this.live++;
    return super.upload(d);
  }
  override free(s: object) {
    this.live--;
    super.free(s);
  }
}

const load = (f: ModelFiles, backend = new ReferenceBackend()) => loadModel(f, { backend, tokenizer: false });

describe('checkpoint validation', () => {
  it('loads a well-formed random checkpoint', async () => {
    const m = await load(files());
    expect(m.config.ffn).toEqual({ type: 'fff', depth: 5, trees: 2 });
    m.dispose();
  });

  it('reports every missing, mis-shaped, mis-typed and unexpected tensor in one error', async () => {
    const err = await load(
      files((t) => {
        delete t['encoder.layers.1.norm2.bias'];
        t['encoder.layers.0.attn.dense.weight']!.shape = [32, 128];
        (t as Record<string, unknown>)['encoder.layers.0.norm1.bias'] = {
          dtype: 'I64',
          shape: [64],
          data: new BigInt64Array(64),
        };
        t['encoder.extra.weight'] = { dtype: 'F32', shape: [2], data: new Float32Array(2) };
      }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    const msg = (err as Error).message;
    expect(msg).toContain("missing tensor 'encoder.layers.1.norm2.bias' (expected shape [64])");
    expect(msg).toContain(
      "tensor 'encoder.layers.0.attn.dense.weight' has shape [32, 128], expected [64, 64]",
    );
    expect(msg).toContain("tensor 'encoder.layers.0.norm1.bias' has dtype I64");
    expect(msg).toContain("unexpected tensor 'encoder.extra.weight'");
    expect((err as CheckpointError).problems).toHaveLength(4);
  });

  it('accepts the tied decoder under either name, and rejects tied copies that differ without leaking uploads', async () => {
    const onlyDecoder = await load(files((t) => delete t['encoder.embedding.word_embedding.weight']));
    onlyDecoder.dispose();
    const onlyEmbedding = await load(files((t) => delete t['decoder.weight']));
    onlyEmbedding.dispose();
    const backend = new Counting();
    const err = await load(
      files((t) => {
        const d = t['decoder.weight']!;
        t['decoder.weight'] = { ...d, data: d.data.slice() };
        t['decoder.weight'].data[5]! += 1;
      }),
      backend,
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /'decoder.weight' and 'encoder.embedding.word_embedding.weight' are tied but differ: element 5/,
    );
    expect(backend.live).toBe(0);
  });

  it('checks tied copies on disk piece by piece: equal loads, a difference in any piece is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ufb-tied-'));
    try {
      const onDisk = async (mutate: (d: Float32Array) => void) => {
        const f = files((t) => {
          const d = t['decoder.weight']!;
          t['decoder.weight'] = { ...d, data: d.data.slice() };
          mutate(t['decoder.weight'].data as Float32Array);
        });
        for (const [name, body] of Object.entries(f)) {
          if (typeof body !== 'string' && !(body instanceof Uint8Array))
            throw new Error(`${name}: unexpected content`);
          writeFileSync(join(dir, name), body);
        }
        return loadModelFromDir(dir, { backend: new ReferenceBackend(), tokenizer: false });
      };
      (await onDisk(() => {})).dispose();
      // the embedding is several scratch buffers long: first, middle and last element
      const n = randomCheckpoint('tiny-fff', 1).tensors['decoder.weight']!.data.length;
      for (const i of [0, n >> 1, n - 1]) {
        await expect(
          onDisk((d) => {
            d[i]! += 1;
          }),
        ).rejects.toThrow(new RegExp(`tied but differ: element ${i}\\b`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a truncated safetensors file with the tensor and offsets named', async () => {
    const f = files();
    const bytes = f['model.safetensors'] as Uint8Array;
    const err = await load({ ...f, 'model.safetensors': bytes.subarray(0, bytes.length - 100) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as Error).message).toMatch(/model\.safetensors/);
  });

  it('rejects a config without arch, invalid JSON, and unsupported variants by name', async () => {
    await expect(load({ ...files(), 'config.json': '{"hidden_size": 64}' })).rejects.toThrow(
      /has no 'arch' object/,
    );
    await expect(load({ ...files(), 'config.json': '{' })).rejects.toThrow(ConfigError);
    const cfg = randomCheckpoint('tiny-fff').config;
    const post = { ...cfg, arch: { ...(cfg.arch as object), norm_scheme: 'post' } };
    expect(() => parseConfig(post)).toThrow(/arch.norm_scheme = "post" is not supported/);
    await expect(load({ 'model.safetensors': new Uint8Array(8) })).rejects.toThrow(
      /no config.json or model_config.json/,
    );
  });

  it('falls back to model_config.json, and treats a missing intermed_type as the dense FFN', async () => {
    const f = files();
    const m = await load({
      'model_config.json': f['config.json'],
      'model.safetensors': f['model.safetensors'],
    });
    m.dispose();
    const cfg = randomCheckpoint('tiny-dense').config;
    delete (cfg.arch as Record<string, unknown>).intermed_type;
    expect(parseConfig(cfg).ffn).toEqual({ type: 'ff', width: 256 });
  });

  it('rejects sequences longer than max_seq_length', async () => {
    const m = await load(files());
    const S = m.config.maxSeqLength + 1;
    await expect(
      m.forward({ inputIds: { dtype: 'i32', shape: [1, S], data: new Int32Array(S) } }),
    ).rejects.toThrow(SequenceTooLongError);
    await expect(
      m.forward({ inputIds: { dtype: 'i32', shape: [1, 2], data: Int32Array.of(1, 9999) } }),
    ).rejects.toThrow(/id 9999 at position 1 is outside the table's 512 rows/);
    m.dispose();
  });
});
