import { LtError, type Rng, type Sampler } from '@lt/core';
import { checkPositiveInteger, indicesByClass } from './samplerChecks.js';

/** Options of `classBalancedSampler`. */
export interface ClassBalancedSamplerOptions {
  /** Training labels, one per sample. */
  readonly labels: ArrayLike<number>;
  readonly batchSize: number;
  readonly numClasses: number;
  /** Consecutive samples drawn from each chosen class (MiSLAS: 4). */
  readonly samplesPerClass?: number;
  /**
   * Samples per epoch; default MiSLAS's (⌈N/B⌉+1)·B. Decoupling's ClassAwareSampler draws max_k n_k · C.
   * The last batch holds the remainder when this is not a multiple of the batch size.
   */
  readonly samplesPerEpoch?: number;
}

/** Cycles through a list in a random order, reshuffling each time it wraps (MiSLAS's RandomCycleIter). */
class RandomCycle {
  private position: number;
  private readonly items: Int32Array;

  constructor(
    items: ArrayLike<number>,
    private readonly rng: Rng,
  ) {
    this.items = Int32Array.from(items);
    this.position = this.items.length;
  }

  next(): number {
    if (this.position === this.items.length) {
      this.rng.shuffle(this.items);
      this.position = 0;
    }
    return this.items[this.position++];
  }
}

/** Returns MiSLAS's class-aware sampler (ALGORITHMS E1): classes drawn by random cycling, `samplesPerClass` samples each, ⌈N/B⌉+1 full batches per epoch. */
export function classBalancedSampler(options: ClassBalancedSamplerOptions): Sampler {
  const { labels, batchSize, numClasses, samplesPerClass = 4 } = options;
  const name = 'classBalancedSampler';
  checkPositiveInteger(name, 'batchSize', batchSize);
  checkPositiveInteger(name, 'numClasses', numClasses);
  checkPositiveInteger(name, 'samplesPerClass', samplesPerClass);
  if (options.samplesPerEpoch !== undefined) checkPositiveInteger(name, 'samplesPerEpoch', options.samplesPerEpoch);
  const byClass = indicesByClass(name, labels, numClasses);
  byClass.forEach((members, k) => {
    if (members.length === 0) {
      throw new LtError('SAMPLER_OPTIONS', `${name}: class ${k} has no training samples; every class in 0..${numClasses - 1} needs one`);
    }
  });
  // MiSLAS stops after batch index ⌈N/B⌉ inclusive (`if i > end_steps: break`), hence the +1.
  const samplesPerEpoch = options.samplesPerEpoch ?? (Math.ceil(labels.length / batchSize) + 1) * batchSize;
  return {
    name: 'class-balanced',
    epoch(rng: Rng): Int32Array[] {
      // Fresh cycles each epoch (MiSLAS keeps them across epochs) so that an epoch depends only on its rng.
      const classCycle = new RandomCycle(Array.from({ length: numClasses }, (_, k) => k), rng);
      const sampleCycles = byClass.map((members) => new RandomCycle(members, rng));
      const stream = new Int32Array(samplesPerEpoch);
      let cycle = sampleCycles[0];
      for (let i = 0; i < stream.length; i++) {
        if (i % samplesPerClass === 0) cycle = sampleCycles[classCycle.next()];
        stream[i] = cycle.next();
      }
      const batches: Int32Array[] = [];
      for (let start = 0; start < stream.length; start += batchSize) batches.push(stream.slice(start, start + batchSize));
      return batches;
    },
  };
}
