import { describe, expect, it } from 'vitest';
import { glmcLargeScaleSchedule, glmcSchedule } from './largeScaleSchedule.js';

describe('glmcLargeScaleSchedule (ALGORITHMS.md D)', () => {
  it('runs epoch 0 at lr, warms up linearly to 1.1·lr at epoch 11, then follows the shifted cosine', () => {
    const schedule = glmcLargeScaleSchedule({ lr: 0.1, epochs: 135 });
    expect(schedule(0)).toBeCloseTo(0.1, 12);
    expect(schedule(1)).toBeCloseTo(0.01, 12);
    expect(schedule(5)).toBeCloseTo(0.05, 12);
    expect(schedule(11)).toBeCloseTo(0.11, 12);
    // e = 11: ½(1 + cos(π·2/126)).
    expect(schedule(12)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos((Math.PI * 2) / 126)), 12);
    expect(schedule(134)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos((Math.PI * 124) / 126)), 12);
  });

  it('validates its options', () => {
    expect(() => glmcSchedule({ warmupEpochs: 0 })).toThrow(/warmupEpochs/);
  });
});
