import type { Backend } from '../backend.js';
import { type Comparison, compareArrays } from '../compare.js';
import { UltraFastBertError } from '../errors.js';
import { runOp } from '../ops/run.js';
import { ReferenceBackend } from '../reference/backend.js';
import { disposeAll, fromHost } from '../tensor.js';
import type { OpCase } from './cases.js';

export interface CaseResult {
  name: string;
  ok: boolean;
  message: string;
  outputs: Comparison[];
}

const reference = new ReferenceBackend();

async function execute(backend: Backend, c: OpCase) {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, h]) => [k, fromHost(backend, h)]));
  try {
    const outs = await runOp(c.op, inputs, c.attrs);
    const data = await Promise.all(outs.map((o) => o.data()));
    disposeAll(outs);
    return data;
  } finally {
    disposeAll(inputs);
  }
}

/**
 * Run one case on `backend` and on the reference backend and compare the outputs:
 * f32 outputs within the case's tolerance, i32 outputs exactly. Error cases must reject
 * with the expected `UltraFastBertError` code on both.
 */
export async function checkCase(backend: Backend, c: OpCase): Promise<CaseResult> {
  if (c.expectErrorCode) {
    try {
      await execute(backend, c);
      return {
        name: c.name,
        ok: false,
        message: `expected error ${c.expectErrorCode}, op succeeded`,
        outputs: [],
      };
    } catch (e) {
      const ok = e instanceof UltraFastBertError && e.code === c.expectErrorCode;
      return {
        name: c.name,
        ok,
        message: ok ? 'rejected as expected' : `wrong error: ${String(e)}`,
        outputs: [],
      };
    }
  }
  const [got, want] = await Promise.all([execute(backend, c), execute(reference, c)]);
  const outputs = got.map((g, i) =>
    compareArrays(g, want[i]!, want[i] instanceof Int32Array ? {} : c.tolerance),
  );
  const ok = outputs.every((o) => o.ok);
  return {
    name: c.name,
    ok,
    message: outputs.map((o, i) => `output ${i}: ${o.message}`).join('; '),
    outputs,
  };
}
