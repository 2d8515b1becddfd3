import type { AnyTypedArray } from './dtype.js';

export interface Tolerance {
  /** |actual - expected| <= abs + rel * |expected| elementwise. Omit both for exact equality. */
  abs?: number;
  rel?: number;
}

export interface Comparison {
  ok: boolean;
  maxAbsError: number;
  /** First failing index and values, for the error message. */
  worst?: { index: number; actual: number; expected: number };
  message: string;
}

/** Elementwise comparison with a tolerance; NaN equals NaN, otherwise NaN fails. */
export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance = {},
): Comparison {
  if (actual.length !== expected.length) {
    return {
      ok: false,
      maxAbsError: Number.POSITIVE_INFINITY,
      message: `length ${actual.length} != ${expected.length}`,
    };
  }
  const abs = tol.abs ?? 0;
  const rel = tol.rel ?? 0;
  let maxAbsError = 0;
  let worst: Comparison['worst'];
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const d = Math.abs(a - e);
    const excess = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d - (abs + rel * Math.abs(e));
    if (d > maxAbsError || Number.isNaN(d)) maxAbsError = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = { index: i, actual: a, expected: e };
    }
  }
  const ok = worst === undefined;
  return {
    ok,
    maxAbsError,
    worst,
    message: ok
      ? `max |Δ| = ${maxAbsError.toExponential(2)}`
      : `element ${worst!.index}: got ${worst!.actual}, expected ${worst!.expected} ` +
        `(|Δ| = ${Math.abs(worst!.actual - worst!.expected).toExponential(2)} > ${abs} + ${rel}·|expected|); ` +
        `max |Δ| = ${maxAbsError.toExponential(2)}`,
  };
}

export function asNumbers(a: AnyTypedArray | BigInt64Array): ArrayLike<number> {
  return a instanceof BigInt64Array ? Array.from(a, Number) : a;
}
