import { main } from '../src/index.js';

/** Run the CLI in-process and capture what it prints. */
export async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

export const SHARED = new URL('../../../../shared/', import.meta.url).pathname;
