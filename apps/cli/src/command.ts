import type { ParseArgsConfig } from 'node:util';

/** Where a command writes. Tests pass buffers; the binary passes process streams. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  name: string;
  summary: string;
  /** Usage text shown by `ultrafastbert help <name>` and on a usage error. */
  usage: string;
  options: Options;
  /** Whether positional arguments are accepted (e.g. the text to tokenize). */
  positionals?: boolean;
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: Io): Promise<void>;
}

/** Bad command-line usage: printed with the command's usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Read a required string option or throw a UsageError naming it. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`missing required option --${name}`);
  return v;
}

/** Parse an integer option; `fallback` when absent. */
export function intOption(values: Record<string, unknown>, name: string, fallback?: number): number {
  const v = values[name];
  if (v === undefined) {
    if (fallback === undefined) throw new UsageError(`missing required option --${name}`);
    return fallback;
  }
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isSafeInteger(n))
    throw new UsageError(`--${name} must be an integer, got '${String(v)}'`);
  return n;
}
