/**
 * Every error this library throws on purpose is an `UltraFastBertError` with a stable `code`,
 * so callers can branch on `err.code` instead of parsing messages.
 */
export class UltraFastBertError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A tensor's shape or dtype does not fit the op or call it was given to. */
export class ShapeError extends UltraFastBertError {
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** An index (token id, row, node) is outside the range of the table it addresses. */
export class IndexOutOfRangeError extends UltraFastBertError {
  constructor(message: string) {
    super('E_INDEX_RANGE', message);
  }
}

/** A tensor was used after `dispose()`. */
export class TensorDisposedError extends UltraFastBertError {
  constructor(message: string) {
    super('E_DISPOSED', message);
  }
}

/** Tensors from different backends were mixed in one op. */
export class BackendMismatchError extends UltraFastBertError {
  constructor(message: string) {
    super('E_BACKEND_MISMATCH', message);
  }
}

/** The backend does not implement this op for this dtype. */
export class UnsupportedOpError extends UltraFastBertError {
  constructor(message: string) {
    super('E_UNSUPPORTED_OP', message);
  }
}

/** No candidate backend could be created; `failures` names each one and why. */
export class BackendResolutionError extends UltraFastBertError {
  readonly failures: ReadonlyArray<{ name: string; error: unknown }>;
  constructor(failures: ReadonlyArray<{ name: string; error: unknown }>) {
    const lines = failures.map(
      (f) => `  - ${f.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
    );
    super(
      'E_NO_BACKEND',
      failures.length === 0
        ? 'No backend candidates were given'
        : `No backend could be created. Tried, in order:\n${lines.join('\n')}`,
    );
    this.failures = failures;
  }
}

/** An argument that is not a tensor (a number, an option) is out of its allowed range. */
export class InvalidArgumentError extends UltraFastBertError {
  constructor(message: string) {
    super('E_INVALID_ARGUMENT', message);
  }
}
