import type { Backend, BackendCandidate } from './backend.js';
import { BackendResolutionError } from './errors.js';

function isBackend(c: unknown): c is Backend {
  return !!c && typeof c === 'object' && typeof (c as Backend).run === 'function' && 'name' in c;
}

/**
 * Return the first candidate that yields a backend, trying them in order.
 * Candidates are values (a backend, a promise of one, or `{name, create}`), never side-effect
 * imports. If all fail, one `BackendResolutionError` lists every candidate and its failure.
 */
export async function resolveBackend(candidates: readonly BackendCandidate[]): Promise<Backend> {
  const failures: { name: string; error: unknown }[] = [];
  for (const [i, c] of candidates.entries()) {
    let name = `candidate ${i}`;
    try {
      if (isBackend(c)) return c;
      if (c && typeof c === 'object' && 'create' in c) {
        name = c.name;
        const b = await c.create();
        if (isBackend(b)) return b;
        throw new Error('create() did not return a backend');
      }
      const b = await c;
      if (isBackend(b)) return b;
      throw new Error('did not resolve to a backend');
    } catch (error) {
      failures.push({ name, error });
    }
  }
  throw new BackendResolutionError(failures);
}
