import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSafetensors, type SafetensorsFile } from '@ultrafastbert/tensor';

export const GOLDEN_MODEL = fileURLToPath(new URL('../../../../shared/golden/model/', import.meta.url));

export interface GoldenModelCase {
  name: string;
  dir: string;
  io: SafetensorsFile;
  meta: Record<string, unknown>;
}

/** Every whole-model case produced by the original PyTorch code. */
export function goldenModelCases(): GoldenModelCase[] {
  return readdirSync(GOLDEN_MODEL).map((name) => {
    const dir = `${GOLDEN_MODEL}${name}`;
    return {
      name,
      dir,
      io: parseSafetensors(readFileSync(`${dir}/io.safetensors`), `${name}/io.safetensors`),
      meta: JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8')),
    };
  });
}

/** Tolerances from ../shared/golden/README.md §3. */
export const TOL = {
  hidden: { abs: 2e-5 },
  mlmLogits: { abs: 1e-4 },
  classifier: { abs: 1e-5 },
};
