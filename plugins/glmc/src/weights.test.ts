import { describe, expect, it } from 'vitest';
import { LtError } from '@lt/core';
import { labelWeights, samplingProbabilities } from './weights.js';
import { cifar10If100, expectClose } from './testing.fixture.js';

describe('labelWeights', () => {
  it('gives w_k ∝ n_k^(−γ) normalised to Σw = C for CIFAR-10 IF100 (ALGORITHMS I.12)', () => {
    expectClose(
      labelWeights(cifar10If100, 1.2),
      [0.018275, 0.033775, 0.062438, 0.115335, 0.213377, 0.393882, 0.727836, 1.345865, 2.498766, 4.59045],
      1e-6,
    );
    expectClose(
      labelWeights(cifar10If100, 1.0),
      [0.040236, 0.067128, 0.112017, 0.186799, 0.311911, 0.519851, 0.867166, 1.447356, 2.423885, 4.02365],
      1e-6,
    );
    expectClose(labelWeights([100, 60, 10], 1.2), [0.160472, 0.296222, 2.543306], 1e-6);
  });

  it('sums to the number of classes and is uniform at γ = 0', () => {
    const weights = labelWeights(cifar10If100, 1.2);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 10);
    expectClose(labelWeights([500, 20, 7], 0), [1, 1, 1], 1e-12);
  });

  it('accepts any array-like of counts, Float64Array included, and returns a Float64Array', () => {
    const weights = labelWeights(Float64Array.from([100, 60, 10]), 1.2);
    expect(weights).toBeInstanceOf(Float64Array);
    expectClose(weights, [0.160472, 0.296222, 2.543306], 1e-6);
    expectClose(labelWeights(Int32Array.from([100, 60, 10]), 1.2), weights, 1e-12);
  });

  it('rejects empty or non-positive counts and a non-finite γ, naming the value', () => {
    expect(() => labelWeights([], 1)).toThrow(LtError);
    expect(() => labelWeights([10, 0], 1)).toThrow(/labelWeights: counts\[1\] is 0/);
    expect(() => labelWeights([10, NaN], 1)).toThrow(/counts\[1\] is NaN/);
    expect(() => labelWeights([10, 5], Infinity)).toThrow(/gamma must be a finite number/);
  });
});

describe('samplingProbabilities', () => {
  it('gives P(k) ∝ n_k^(1−ρ) for CIFAR-10 IF100 at ρ = 0.2 (ALGORITHMS I.12)', () => {
    expectClose(
      samplingProbabilities(cifar10If100, 0.2),
      [0.341701, 0.226893, 0.150632, 0.100056, 0.066392, 0.04412, 0.0293, 0.019448, 0.012875, 0.008583],
      1e-6,
    );
  });

  it('is the class frequency at ρ = 0 and uniform at ρ = 1', () => {
    const counts = Float64Array.from([400, 100, 25]);
    expectClose(samplingProbabilities(counts, 0), [400 / 525, 100 / 525, 25 / 525], 1e-12);
    expectClose(samplingProbabilities(counts, 1), [1 / 3, 1 / 3, 1 / 3], 1e-12);
    expect(samplingProbabilities(counts, 0.5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('rejects bad input naming the function and field', () => {
    expect(() => samplingProbabilities([1, -2], 0.2)).toThrow(/samplingProbabilities: counts\[1\] is -2/);
    expect(() => samplingProbabilities([1, 2], NaN)).toThrow(/rho must be a finite number/);
  });
});
