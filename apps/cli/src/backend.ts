import { type Backend, type BackendCandidate, ReferenceBackend, resolveBackend } from '@ultrafastbert/tensor';
import { UsageError } from './command.js';

export const BACKEND_NAMES = ['auto', 'cpu', 'reference'] as const;

const cpu: BackendCandidate = {
  name: 'cpu',
  // Imported lazily: if the native addon failed to build, every other command still works.
  create: async () => (await import('@ultrafastbert/backend-cpu')).cpuBackend(),
};
const reference: BackendCandidate = { name: 'reference', create: () => new ReferenceBackend() };

/** `--backend`: 'cpu', 'reference', or 'auto' (the native CPU backend, else the reference one). */
export function selectBackend(name: unknown): Promise<Backend> {
  const n = name ?? 'auto';
  if (n === 'cpu') return resolveBackend([cpu]);
  if (n === 'reference') return resolveBackend([reference]);
  if (n === 'auto') return resolveBackend([cpu, reference]);
  throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got '${String(n)}'`);
}

export const backendOption = { backend: { type: 'string' } } as const;
export const BACKEND_USAGE = `  --backend NAME   ${BACKEND_NAMES.join(' | ')} (default auto: native cpu if it loads, else reference)`;
