import { LtError, type Rng } from '@lt/core';
import { powerReweightedSampler, type PowerReweightedSampler } from '@lt/data';

/** Options of `ResampledStream`. */
export interface ResampledStreamOptions {
  /** Training labels, one per sample. */
  readonly labels: ArrayLike<number>;
  /** Training count of each class (the histogram of `labels`). */
  readonly classCounts: readonly number[];
  /** ρ: sample i is drawn with weight n_{y_i}^(−ρ). */
  readonly rho: number;
  /** Batch size of the re-weighted loader (the stage's batch size, as in [G]). */
  readonly batchSize: number;
}

/**
 * GLMC's second batch stream R (ALGORITHMS.md D1): per epoch, N draws with replacement from the re-weighted
 * sampler, cut into batches; step s of the epoch is paired with batch s, truncated to the size of the
 * instance-balanced batch A. Like [G]'s `next(iter(weighted_loader))`, the stream restarts with a fresh draw
 * when an epoch has more A batches than R batches. Draws depend only on (stage rng, epoch, step), so a resumed
 * run or a replayed step sees the same R batch.
 */
export class ResampledStream {
  readonly sampler: PowerReweightedSampler;
  private readonly batchesPerDraw: number;
  private cache: { rng: Rng; epoch: number; draws: Int32Array[][] } | undefined;

  constructor(options: ResampledStreamOptions) {
    this.sampler = powerReweightedSampler(options);
    this.batchesPerDraw = Math.ceil(options.labels.length / options.batchSize);
  }

  /** Probability of drawing each class: n_k^(1−ρ) / Σ_j n_j^(1−ρ). */
  get classProbabilities(): Float64Array {
    return this.sampler.classProbabilities;
  }

  /** The R indices paired with step `step` of `epoch`: the first `size` of that step's re-weighted batch. */
  batch(stageRng: Rng, epoch: number, step: number, size: number): Int32Array {
    if (this.cache === undefined || this.cache.rng !== stageRng || this.cache.epoch !== epoch) {
      this.cache = { rng: stageRng, epoch, draws: [] };
    }
    const draw = Math.floor(step / this.batchesPerDraw);
    const batches = (this.cache.draws[draw] ??= this.sampler.epoch(stageRng.fork('glmc', 'resample', epoch, draw)));
    const batch = batches[step % this.batchesPerDraw];
    if (batch.length < size) {
      throw new LtError(
        'GLMC_STREAM',
        `@lt/glmc: step ${step} of epoch ${epoch} has an instance-balanced batch of ${size} but the re-weighted batch holds ` +
          `${batch.length}; GLMC pairs batches of the stage's batch size, so use a sampler whose batches are not larger`,
      );
    }
    return batch.slice(0, size);
  }
}
