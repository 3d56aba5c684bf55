import { describe, expect, it } from 'vitest';
import { cumulativeAlpha } from './cumulativeAlpha.js';
import { expectClose } from './testing.fixture.js';

describe('cumulativeAlpha', () => {
  it('follows α_e = 1 − (e/E)² (ALGORITHMS I.13, E = 200)', () => {
    expectClose(
      [0, 50, 100, 150, 199].map((epoch) => cumulativeAlpha(epoch, 200)),
      [1, 0.9375, 0.75, 0.4375, 0.009975],
      1e-12,
    );
  });

  it('rejects epochs outside [0, E] and a non-positive E', () => {
    expect(() => cumulativeAlpha(-1, 10)).toThrow(/epoch must lie in \[0, 10\]/);
    expect(() => cumulativeAlpha(11, 10)).toThrow(/epoch must lie/);
    expect(() => cumulativeAlpha(0, 0)).toThrow(/epochs must be a positive number/);
  });
});
