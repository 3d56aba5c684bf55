import { LtError, type Rng, type Sampler } from '@lt/core';
import { checkPositiveInteger, indicesByClass } from './samplerChecks.js';

/** Options of `powerReweightedSampler`. */
export interface PowerReweightedSamplerOptions {
  /** Training labels, one per sample. */
  readonly labels: ArrayLike<number>;
  /** Training count of each class; must equal the histogram of `labels`. */
  readonly classCounts: readonly number[];
  /** Re-weighting power ρ: 0 samples instances uniformly, 1 samples classes uniformly. */
  readonly rho: number;
  readonly batchSize: number;
}

/** A `Sampler` that also exposes the probability of drawing each class. */
export interface PowerReweightedSampler extends Sampler {
  /** P(class k) = n_k^(1−ρ) / Σ_j n_j^(1−ρ). */
  readonly classProbabilities: Float64Array;
}

/** Returns GLMC's re-weighted sampler (ALGORITHMS D1): N draws with replacement, sample i ∝ q_{y_i} with q_k ∝ n_k^(−ρ), Σq = C. */
export function powerReweightedSampler(options: PowerReweightedSamplerOptions): PowerReweightedSampler {
  const { labels, classCounts, rho, batchSize } = options;
  const name = 'powerReweightedSampler';
  checkPositiveInteger(name, 'batchSize', batchSize);
  if (!Number.isFinite(rho)) throw new LtError('SAMPLER_OPTIONS', `${name}: rho must be a finite number, got ${rho}`);
  const numClasses = classCounts.length;
  classCounts.forEach((count, k) => checkPositiveInteger(name, `classCounts[${k}]`, count));
  const byClass = indicesByClass(name, labels, numClasses);
  byClass.forEach((members, k) => {
    if (members.length !== classCounts[k]) {
      throw new LtError('SAMPLER_OPTIONS', `${name}: classCounts[${k}] is ${classCounts[k]} but the labels hold ${members.length} samples of class ${k}`);
    }
  });

  // q_k = n_k^(−ρ), normalised to Σq = C as GLMC does (the scale does not change the draw, only the weights' meaning).
  const powered = classCounts.map((count) => Math.pow(count, -rho));
  const poweredSum = powered.reduce((a, b) => a + b, 0);
  const classWeights = powered.map((value) => (value / poweredSum) * numClasses);
  const cumulative = new Float64Array(labels.length);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    total += classWeights[labels[i]];
    cumulative[i] = total;
  }
  const classMass = classCounts.map((count, k) => count * classWeights[k]);
  const classProbabilities = Float64Array.from(classMass, (mass) => mass / total);

  return {
    name: 'power-reweighted',
    classProbabilities,
    epoch(rng: Rng): Int32Array[] {
      const draws = new Int32Array(labels.length);
      for (let d = 0; d < draws.length; d++) {
        // Inverse-CDF by binary search: the first i with cumulative[i] > u.
        const u = rng.next() * total;
        let low = 0;
        let high = cumulative.length - 1;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (cumulative[middle] > u) high = middle;
          else low = middle + 1;
        }
        draws[d] = low;
      }
      // Like GLMC's DataLoader over a WeightedRandomSampler: N draws, last partial batch kept.
      const batches: Int32Array[] = [];
      for (let start = 0; start < draws.length; start += batchSize) batches.push(draws.slice(start, start + batchSize));
      return batches;
    },
  };
}
