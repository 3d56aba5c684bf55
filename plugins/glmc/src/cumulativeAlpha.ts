import { LtError } from '@lt/core';

/** Returns GLMC's cumulative coefficient α_e = 1 − (e/E)² of 0-based epoch e out of E (ALGORITHMS.md D10). */
export function cumulativeAlpha(epoch: number, epochs: number): number {
  if (typeof epochs !== 'number' || !Number.isFinite(epochs) || epochs <= 0) {
    throw new LtError('GLMC_INPUT', `cumulativeAlpha: epochs must be a positive number, got ${String(epochs)}`);
  }
  if (typeof epoch !== 'number' || !Number.isFinite(epoch) || epoch < 0 || epoch > epochs) {
    throw new LtError('GLMC_INPUT', `cumulativeAlpha: epoch must lie in [0, ${epochs}] (0-based), got ${String(epoch)}`);
  }
  return 1 - (epoch / epochs) ** 2;
}
