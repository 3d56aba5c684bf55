import { LtError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Sampler } from '../types/data.js';

/** Options of `instanceBalancedSampler`. */
export interface InstanceBalancedSamplerOptions {
  /** Number of training samples (indices 0..size−1). */
  readonly size: number;
  readonly batchSize: number;
}

/** Returns the default sampler: a fresh shuffled permutation per epoch, cut into batches, last partial batch kept. */
export function instanceBalancedSampler(options: InstanceBalancedSamplerOptions): Sampler {
  const { size, batchSize } = options;
  if (!Number.isInteger(size) || size < 0) {
    throw new LtError('SAMPLER_OPTIONS', `instanceBalancedSampler: size must be a non-negative integer, got ${size}`);
  }
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new LtError('SAMPLER_OPTIONS', `instanceBalancedSampler: batchSize must be a positive integer, got ${batchSize}`);
  }
  return {
    name: 'instance-balanced',
    epoch(rng: Rng): Int32Array[] {
      const order = new Int32Array(size);
      for (let i = 0; i < size; i++) order[i] = i;
      rng.shuffle(order);
      // Like a PyTorch DataLoader with shuffle=True and drop_last=False, as every reference trainer uses.
      const batches: Int32Array[] = [];
      for (let start = 0; start < size; start += batchSize) batches.push(order.slice(start, start + batchSize));
      return batches;
    },
  };
}
