import { LtError } from '@lt/core';

/** Options of `longTailedCounts`. */
export interface LongTailedCountsOptions {
  /** Images kept for the head class (class 0). */
  readonly maxCount: number;
  readonly numClasses: number;
  /** Ratio of the head count to the tail count (≥ 1; 1 gives a balanced split). */
  readonly imbalanceFactor: number;
}

/** Returns the per-class training counts n_k = trunc(maxCount · IF^(−k/(C−1))) of the exponential profile (ALGORITHMS A1). */
export function longTailedCounts(options: LongTailedCountsOptions): number[] {
  const { maxCount, numClasses, imbalanceFactor } = options;
  if (!Number.isInteger(maxCount) || maxCount <= 0) {
    throw new LtError('DATA_OPTIONS', `longTailedCounts: maxCount must be a positive integer, got ${maxCount}`);
  }
  if (!Number.isInteger(numClasses) || numClasses <= 0) {
    throw new LtError('DATA_OPTIONS', `longTailedCounts: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (!Number.isFinite(imbalanceFactor) || imbalanceFactor < 1) {
    throw new LtError(
      'DATA_OPTIONS',
      `longTailedCounts: imbalanceFactor must be a finite number ≥ 1 (head count / tail count), got ${imbalanceFactor}`,
    );
  }
  if (numClasses === 1) return [maxCount];
  const ratio = 1 / imbalanceFactor;
  const counts: number[] = [];
  for (let k = 0; k < numClasses; k++) {
    // The pow form, not exp(log(…)): only it lands exactly on maxCount/IF for the last class (50, not 49).
    counts.push(Math.trunc(maxCount * Math.pow(ratio, k / (numClasses - 1))));
  }
  return counts;
}
