import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@ultrafastbert/bert';
import {
  compareArrays,
  disposeAll,
  ops,
  parseSafetensors,
  type SafetensorsFile,
  tensor,
} from '@ultrafastbert/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpuBackend } from '../src/index.js';
import { availableIsas, GOLDEN } from './helpers.js';

const FFF_DIR = fileURLToPath(new URL('fff/', GOLDEN));
const MODEL_DIR = fileURLToPath(new URL('model/', GOLDEN));
const open = (file: string) => parseSafetensors(readFileSync(file), file);

const backends: CpuBackend[] = [];
afterAll(() => {
  for (const b of backends) b.destroy();
});
async function make(isa: 'portable' | 'avx2' | 'avx512', threads: number): Promise<CpuBackend> {
  // syncWorkLimit 0: even these small cases go through the worker thread and the pool
  const b = await cpuBackend({ isa, threads, syncWorkLimit: 0 });
  backends.push(b);
  return b;
}

/** The golden FFF layers (original PyTorch): y within |Δ| <= 2e-5 + 2e-5·|y_ref|, paths exact. */
describe('golden FFF layers', () => {
  for (const name of readdirSync(FFF_DIR).sort()) {
    const meta = JSON.parse(readFileSync(`${FFF_DIR}${name}/meta.json`, 'utf8'));
    const { input_width: inW, output_width: outW, depth, parallel_size: trees } = meta.constructor;
    for (const isa of availableIsas()) {
      for (const threads of [1, 2]) {
        it(`${name} (${isa}, ${threads} thread(s))`, async () => {
          const be = await make(isa, threads);
          const w = open(`${FFF_DIR}${name}/weights.safetensors`);
          const io: SafetensorsFile = open(`${FFF_DIR}${name}/io.safetensors`);
          const rowsW = w.entry('linear_in.weight').shape[0]!;
          // linear_out.weight is [out, K*N]; the op wants node-major [K*N, out]
          const lo = w.float32('linear_out.weight');
          const wOutNm = new Float32Array(rowsW * outW);
          for (let o = 0; o < outW; o++)
            for (let n = 0; n < rowsW; n++) wOutNm[n * outW + o] = lo[o * rowsW + n]!;
          const x = tensor(be, io.float32('x'), io.entry('x').shape);
          const wIn = tensor(be, w.float32('linear_in.weight'), [rowsW, inW]);
          const bIn = tensor(be, w.float32('linear_in.bias'), [rowsW]);
          const wOut = tensor(be, wOutNm, [rowsW, outW]);
          const y = await ops.fff(x, { wIn, bIn, wOut }, { depth, trees });
          const paths = await ops.fffRoute(x, { wIn, bIn }, { depth, trees });
          expect(y.shape).toEqual(io.entry('y').shape);
          const cy = compareArrays(await y.data(), io.float32('y'), { abs: 2e-5, rel: 2e-5 });
          expect(cy.ok, cy.message).toBe(true);
          const cp = compareArrays(await paths.data(), io.int32('paths'));
          expect(cp.ok, cp.message).toBe(true);
          disposeAll(x, wIn, bIn, wOut, y, paths);
        });
      }
    }
  }
});

/** Whole golden models through @ultrafastbert/bert on this backend (README §3 tolerances). */
describe('golden models (via @ultrafastbert/bert)', () => {
  const i32 = (io: SafetensorsFile, n: string) => ({
    dtype: 'i32' as const,
    shape: io.entry(n).shape,
    data: io.int32(n),
  });
  for (const name of readdirSync(MODEL_DIR).sort()) {
    for (const threads of [1, 2]) {
      it(`${name} (${threads} thread(s))`, async () => {
        const be = await cpuBackend({ threads });
        backends.push(be);
        const io = open(`${MODEL_DIR}${name}/io.safetensors`);
        const { model, config } = await loadModel(`${MODEL_DIR}${name}`, { backend: be });
        try {
          const r = await model.forward({
            inputIds: i32(io, 'input_ids'),
            attentionMask: i32(io, 'attention_mask'),
            debug: true,
          });
          const check = async (
            what: string,
            t: { data(): Promise<ArrayLike<number>> } | undefined,
            abs?: number,
          ) => {
            expect(t, what).toBeDefined();
            const want = what.endsWith('_paths') ? io.int32(what) : io.float32(what);
            const c = compareArrays(await t!.data(), want, abs === undefined ? {} : { abs });
            expect(c.ok, `${what}: ${c.message}`).toBe(true);
          };
          await check('encoder_hidden', r.hidden, 2e-5);
          for (let i = 0; i < config.numLayers; i++) {
            await check(`debug.layer${i}_out`, r.debug!.layerOuts[i], 2e-5);
            if (config.ffn.type === 'fff') await check(`debug.layer${i}_fff_paths`, r.debug!.fffPaths[i]);
          }
          if (config.head === 'mlm') await check('mlm_logits', r.mlmLogits, 1e-4);
          else {
            await check('logits', r.logits, 1e-5);
            await check('pooled', r.pooled, 1e-5);
          }
          disposeAll(r);
        } finally {
          model.dispose();
        }
      });
    }
  }
});
