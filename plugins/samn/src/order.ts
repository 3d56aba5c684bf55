import { LtError } from '@lt/core';

/** Checks a per-class ordering metric (class counts or a user metric): non-empty and finite, one value per class. */
export function checkClassMetric(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new LtError('SAMN_INPUT', `${what} is empty: give one value per class`);
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      throw new LtError('SAMN_INPUT', `${what}[${k}] is ${values[k]}: every class needs a finite value`);
    }
  }
}

/**
 * The classes sorted by ascending metric (rarest first), ties broken by ascending class index — the stable
 * argsort of ALGORITHMS.md F3 (the reference's `+idx·1e-8` key jitter has the same effect).
 */
export function ascendingClassOrder(classMetric: ArrayLike<number>, what = 'classCounts'): Int32Array {
  checkClassMetric(classMetric, what);
  const order = Int32Array.from({ length: classMetric.length }, (_, k) => k);
  // Array.prototype.sort is stable (ES2019), and the index tie-break makes that explicit.
  return order.sort((a, b) => classMetric[a] - classMetric[b] || a - b);
}
