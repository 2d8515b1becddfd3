import { ShapeError } from './errors.js';

export type Shape = readonly number[];

/** Number of elements; a 0-d shape `[]` has one. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws unless every dimension is a non-negative safe integer. `what` names the tensor in the error. */
export function assertValidShape(shape: Shape, what: string): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${what}: shape must be an array of integers`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${what}: invalid dimension ${String(d)} in shape ${formatShape(shape)}`);
    }
  }
}
