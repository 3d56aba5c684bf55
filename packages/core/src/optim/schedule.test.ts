import { describe, expect, it } from 'vitest';
import { cosineSchedule } from './schedule.js';

describe('cosineSchedule', () => {
  it('matches the stage-2 cosine values of ALGORITHMS.md I.13 (lr 5e-4, 20 epochs)', () => {
    const lr = cosineSchedule({ lr: 5e-4, epochs: 20 });
    expect(lr(0)).toBeCloseTo(5e-4, 12);
    expect(lr(1)).toBeCloseTo(4.969221e-4, 10);
    expect(lr(10)).toBeCloseTo(2.5e-4, 12);
    expect(lr(19)).toBeCloseTo(3.077915e-6, 11);
  });

  it('matches the stage-1 values (lr 0.01, 200 epochs)', () => {
    const lr = cosineSchedule({ lr: 0.01, epochs: 200 });
    expect(lr(100)).toBeCloseTo(0.005, 12);
    expect(lr(199)).toBeCloseTo(6.168376e-7, 12);
  });

  it('warms up linearly, then anneals over the remaining epochs', () => {
    const lr = cosineSchedule({ lr: 0.1, epochs: 10, warmupEpochs: 5 });
    expect([0, 1, 4].map(lr)).toEqual([0.02, 0.04, expect.closeTo(0.1, 12)]);
    expect(lr(5)).toBeCloseTo(0.1, 12);
    expect(lr(9)).toBeCloseTo((0.1 * (1 + Math.cos((Math.PI * 4) / 5))) / 2, 12);
    expect(() => cosineSchedule({ lr: 0.1, epochs: 3, warmupEpochs: 4 })).toThrow(/warmupEpochs/);
  });
});
