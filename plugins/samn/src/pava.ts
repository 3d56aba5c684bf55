import { LtError } from '@lt/core';

/** A non-decreasing isotonic fit: the fitted values and the sizes of the pooled blocks, left to right. */
export interface IsotonicFit {
  readonly values: Float64Array;
  readonly blocks: number[];
}

/** Checks a vector for PAVA: non-empty and finite; names the first bad index. */
export function checkFinite(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new LtError('SAMN_INPUT', `${what} is empty: PAVA needs at least one value`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new LtError('SAMN_INPUT', `${what}[${i}] is ${values[i]}: PAVA needs finite values (check for NaN/Infinity upstream)`);
    }
  }
}

/** Checks PAVA weights against the values they weigh: same length, each finite and > 0. */
export function checkWeights(weights: ArrayLike<number>, length: number): void {
  if (weights.length !== length) {
    throw new LtError('SAMN_INPUT', `pava weights have length ${weights.length} but the values have length ${length}: give one weight per value`);
  }
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!Number.isFinite(w) || w <= 0) {
      throw new LtError('SAMN_INPUT', `pava weights[${i}] is ${w}: every weight must be finite and > 0`);
    }
  }
}

/**
 * Fits `y` (already validated) with the serial stack algorithm of ALGORITHMS.md F2 in O(n): push each value as a
 * block, then merge the top two blocks while the lower one's weighted mean is *strictly* greater, so equal
 * neighbours stay separate blocks (as the reference's parallel solver leaves them).
 */
export function fitBlocks(y: ArrayLike<number>, weights: ArrayLike<number> | undefined): IsotonicFit {
  const n = y.length;
  const sumWY = new Float64Array(n);
  const sumW = new Float64Array(n);
  const size = new Int32Array(n);
  let top = -1;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i];
    top += 1;
    sumWY[top] = w * y[i];
    sumW[top] = w;
    size[top] = 1;
    while (top > 0 && sumWY[top - 1] / sumW[top - 1] > sumWY[top] / sumW[top]) {
      sumWY[top - 1] += sumWY[top];
      sumW[top - 1] += sumW[top];
      size[top - 1] += size[top];
      top -= 1;
    }
  }
  const values = new Float64Array(n);
  const blocks: number[] = [];
  let start = 0;
  for (let b = 0; b <= top; b++) {
    values.fill(sumWY[b] / sumW[b], start, start + size[b]);
    blocks.push(size[b]);
    start += size[b];
  }
  return { values, blocks };
}

/**
 * The vector-Jacobian product of the fit with its partition held fixed (ALGORITHMS.md F2):
 * g_in_j = (w_j / W_B) · Σ_{i∈B} g_out_i for j in block B — with unit weights, the block mean of the upstream gradient.
 */
export function blockAverage(upstream: ArrayLike<number>, blocks: readonly number[], weights?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(upstream.length);
  let start = 0;
  for (const size of blocks) {
    let total = 0;
    let weightSum = 0;
    for (let i = start; i < start + size; i++) {
      total += upstream[i];
      weightSum += weights === undefined ? 1 : weights[i];
    }
    for (let i = start; i < start + size; i++) out[i] = ((weights === undefined ? 1 : weights[i]) / weightSum) * total;
    start += size;
  }
  return out;
}

/**
 * Weighted isotonic regression (Pool Adjacent Violators, ALGORITHMS.md F2): returns the non-decreasing `values`
 * minimising Σ w_i (z_i − y_i)² and the sizes of the pooled `blocks`. Equal neighbours are not pooled.
 */
export function pava(y: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicFit {
  checkFinite(y, 'pava input');
  if (weights !== undefined) checkWeights(weights, y.length);
  return fitBlocks(y, weights);
}
