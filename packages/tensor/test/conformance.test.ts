import { describe, expect, it } from 'vitest';
import { checkCase, conformanceCases } from '../src/conformance/index.js';
import type { BackendStorage, OpAttrs, OpName, OpOutputSpec, StorageView } from '../src/index.js';
import { ReferenceBackend } from '../src/index.js';

const cases = conformanceCases();

describe('conformance suite', () => {
  it('covers every op in the catalogue, including the edge cases it promises', () => {
    const ops = new Set(cases.map((c) => c.op));
    for (const op of [
      'linear',
      'fff',
      'fffRoute',
      'layerNorm',
      'attention',
      'gelu',
      'tanh',
      'add',
      'embedding',
      'meanPool',
      'softmax',
      'topk',
    ]) {
      expect(ops.has(op as OpName), op).toBe(true);
    }
    const names = cases.map((c) => c.name).join('\n');
    for (const needle of ['1 row', 'odd width', 'K=3', 'exact-zero', 'depth11', 'rejects'])
      expect(names).toContain(needle);
  });

  it('is deterministic', () => {
    const again = conformanceCases();
    expect(again.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    expect(Array.from(again[3]!.inputs.x!.data)).toEqual(Array.from(cases[3]!.inputs.x!.data));
  });

  it.each(cases.map((c) => [c.name, c] as const))('reference passes: %s', async (_n, c) => {
    const r = await checkCase(new ReferenceBackend(), c);
    expect(r.ok, r.message).toBe(true);
  });

  // The suite must be able to fail: a backend that routes exact zeros right, or uses tanh-GELU, is caught.
  class Broken extends ReferenceBackend {
    constructor(private readonly flaw: 'routing' | 'gelu') {
      super();
    }
    override async run<K extends OpName>(
      op: K,
      inputs: Readonly<Record<string, StorageView | undefined>>,
      attrs: OpAttrs[K],
      outputs: readonly OpOutputSpec[],
    ): Promise<BackendStorage[]> {
      const out = await super.run(op, inputs, attrs, outputs);
      const data = (out[0] as { data: Float32Array | Int32Array }).data;
      if (this.flaw === 'routing' && op === 'fffRoute') data[data.length - 1] ^= 1;
      if (this.flaw === 'gelu' && op === 'gelu') data[1] = (data[1] ?? 0) + 1e-4;
      return out;
    }
  }
  it('fails a backend with wrong routing or a slightly wrong GELU', async () => {
    const route = cases.find((c) => c.op === 'fffRoute')!;
    expect((await checkCase(new Broken('routing'), route)).ok).toBe(false);
    const g = cases.find((c) => c.name === 'gelu random')!;
    const r = await checkCase(new Broken('gelu'), g);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/element 1/);
  });
});
