import { UltraFastBertError } from '../errors.js';

/** Where in a safetensors file a problem is: the file (source), the tensor and the absolute byte offset. */
export interface SafetensorsErrorDetails {
  source?: string;
  tensor?: string;
  offset?: number;
}

function describe(details: SafetensorsErrorDetails): string {
  const parts: string[] = [];
  if (details.source !== undefined) parts.push(`file '${details.source}'`);
  if (details.tensor !== undefined) parts.push(`tensor ${JSON.stringify(details.tensor)}`);
  if (details.offset !== undefined) parts.push(`byte offset ${details.offset}`);
  return parts.length === 0 ? 'safetensors' : `safetensors (${parts.join(', ')})`;
}

/**
 * A safetensors file is malformed, truncated, or does not hold what was asked of it (a missing tensor, a
 * dtype that cannot be converted, an int64 value outside int32 range). `code` is always `'E_SAFETENSORS'`;
 * `source`, `tensor` and `offset` say where, and the message repeats them.
 */
export class SafetensorsError extends UltraFastBertError {
  readonly source?: string;
  readonly tensor?: string;
  readonly offset?: number;
  constructor(message: string, details: SafetensorsErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_SAFETENSORS', `${describe(details)}: ${message}`, options);
    if (details.source !== undefined) this.source = details.source;
    if (details.tensor !== undefined) this.tensor = details.tensor;
    if (details.offset !== undefined) this.offset = details.offset;
  }
}
