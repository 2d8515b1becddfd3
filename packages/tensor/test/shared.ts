import { fileURLToPath } from 'node:url';

/** The read-only fixtures beside the repository (`../shared` from the repo root). */
export const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
export const GOLDEN = `${SHARED}golden/`;
