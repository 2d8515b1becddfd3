import { checkCase, conformanceCases } from '@ultrafastbert/tensor/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpuBackend } from '../src/index.js';
import { availableIsas } from './helpers.js';

const isas = availableIsas();

// Every ISA available here, at 1 and 2 threads; syncWorkLimit 0 sends every call through the worker
// and the pool, so the threaded paths run even on these small cases.
for (const isa of isas) {
  for (const threads of [1, 2]) {
    describe(`conformance: ${isa}, ${threads} thread(s)`, () => {
      const backends: CpuBackend[] = [];
      const get = async () => {
        if (!backends[0])
          backends[0] = await cpuBackend({ threads, isa, syncWorkLimit: threads === 1 ? 5e5 : 0 });
        return backends[0];
      };
      afterAll(() => backends[0]?.destroy());
      for (const c of conformanceCases()) {
        it(c.name, async () => {
          const r = await checkCase(await get(), c);
          expect(r.ok, r.message).toBe(true);
        });
      }
    });
  }
}
