import { LtError } from '@lt/core';

/** Throws unless `value` is a positive integer; `sampler` and `field` name it in the message. */
export function checkPositiveInteger(sampler: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new LtError('SAMPLER_OPTIONS', `${sampler}: ${field} must be a positive integer, got ${value}`);
  }
}

/** Returns the per-class lists of sample indices, checking every label lies in 0..numClasses−1. */
export function indicesByClass(sampler: string, labels: ArrayLike<number>, numClasses: number): number[][] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new LtError('SAMPLER_OPTIONS', `${sampler}: label ${label} of sample ${i} is outside 0..${numClasses - 1}`);
    }
    byClass[label].push(i);
  }
  return byClass;
}
