import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSafetensors } from '@ultrafastbert/tensor';
import type { FFFConfig, FFFWeights } from '../src/index.js';

export const GOLDEN_FFF = fileURLToPath(new URL('../../../../shared/golden/fff/', import.meta.url));

export interface GoldenFFFCase {
  name: string;
  config: FFFConfig;
  weights: FFFWeights;
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
  paths: Int32Array;
  logits: Float32Array;
}

/** Read every case of ../shared/golden/fff (fixtures produced by the original PyTorch code). */
export function goldenFFFCases(): GoldenFFFCase[] {
  return readdirSync(GOLDEN_FFF).map((name) => {
    const dir = `${GOLDEN_FFF}${name}/`;
    const meta = JSON.parse(readFileSync(`${dir}meta.json`, 'utf8'));
    const w = parseSafetensors(readFileSync(`${dir}weights.safetensors`), `${name}/weights.safetensors`);
    const io = parseSafetensors(readFileSync(`${dir}io.safetensors`), `${name}/io.safetensors`);
    const c = meta.constructor;
    return {
      name,
      config: {
        inputWidth: c.input_width,
        outputWidth: c.output_width,
        depth: c.depth,
        trees: c.parallel_size,
      },
      weights: {
        linearInWeight: w.float32('linear_in.weight'),
        linearInBias: w.float32('linear_in.bias'),
        linearOutWeight: w.float32('linear_out.weight'),
      },
      x: io.float32('x'),
      xShape: io.entry('x').shape,
      y: io.float32('y'),
      yShape: io.entry('y').shape,
      paths: io.int32('paths'),
      logits: io.float32('logits'),
    };
  });
}

/** The golden README's FFF tolerance: |Δ| ≤ 2e-5 + 2e-5·|y_ref|. */
export const FFF_TOLERANCE = { abs: 2e-5, rel: 2e-5 };
