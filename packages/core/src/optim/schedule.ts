import type { LrSchedule } from '../types/context.js';

/** Options of the built-in schedule. */
export interface CosineScheduleOptions {
  readonly lr: number;
  readonly epochs: number;
  /** Linear warm-up epochs: epoch e < W runs at lr·(e+1)/W; cosine covers the remaining epochs. */
  readonly warmupEpochs?: number;
}

/** Cosine annealing stepped once per epoch, lr_e = lr·(1 + cos(π·e/E))/2 (ALGORITHMS.md C), with optional warm-up. */
export function cosineSchedule({ lr, epochs, warmupEpochs = 0 }: CosineScheduleOptions): LrSchedule {
  if (warmupEpochs < 0 || warmupEpochs > epochs) throw new RangeError(`warmupEpochs must be in [0, ${epochs}], got ${warmupEpochs}`);
  return (epoch) => {
    if (epoch < warmupEpochs) return (lr * (epoch + 1)) / warmupEpochs;
    const span = epochs - warmupEpochs;
    return (lr * (1 + Math.cos((Math.PI * (epoch - warmupEpochs)) / span))) / 2;
  };
}

/** A constant learning rate. */
export function constantSchedule(lr: number): LrSchedule {
  return () => lr;
}
