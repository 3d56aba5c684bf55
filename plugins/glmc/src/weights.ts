import { LtError } from '@lt/core';

function checkCounts(where: string, counts: ArrayLike<number>): void {
  if (counts === null || typeof counts !== 'object' || typeof counts.length !== 'number' || counts.length === 0) {
    throw new LtError('GLMC_INPUT', `${where}: counts must be a non-empty array of class counts, one per class`);
  }
  for (let k = 0; k < counts.length; k++) {
    const count = counts[k];
    if (typeof count !== 'number' || !Number.isFinite(count) || count <= 0) {
      throw new LtError('GLMC_INPUT', `${where}: counts[${k}] is ${String(count)}; every class needs a positive, finite count`);
    }
  }
}

function checkPower(where: string, field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new LtError('GLMC_INPUT', `${where}: ${field} must be a finite number, got ${String(value)}`);
  }
}

/** Scales `values` so that they sum to their count C (GLMC's normalisation, ALGORITHMS.md D1–D2). */
function normaliseToClassCount(values: Float64Array): Float64Array {
  let sum = 0;
  for (const value of values) sum += value;
  return values.map((value) => (value / sum) * values.length);
}

/**
 * Returns GLMC's per-class label weights w_k = n_k^(−γ), normalised to Σw = C (ALGORITHMS.md D2): the factors
 * that turn the mixed soft labels into the re-balanced targets y^w.
 */
export function labelWeights(counts: ArrayLike<number>, gamma: number): Float64Array {
  checkCounts('labelWeights', counts);
  checkPower('labelWeights', 'gamma', gamma);
  return normaliseToClassCount(Float64Array.from(counts, (count) => Math.pow(count, -gamma)));
}

/**
 * Returns the probability that GLMC's re-weighted sampler draws each class (ALGORITHMS.md D1): every sample of
 * class k has weight q_k = n_k^(−ρ), so P(k) = n_k·q_k / Σ_j n_j·q_j = n_k^(1−ρ) / Σ_j n_j^(1−ρ).
 */
export function samplingProbabilities(counts: ArrayLike<number>, rho: number): Float64Array {
  checkCounts('samplingProbabilities', counts);
  checkPower('samplingProbabilities', 'rho', rho);
  const sampleWeights = normaliseToClassCount(Float64Array.from(counts, (count) => Math.pow(count, -rho)));
  const mass = sampleWeights.map((weight, k) => weight * counts[k]);
  let total = 0;
  for (const value of mass) total += value;
  return mass.map((value) => value / total);
}
