import { describe, expect, it } from 'vitest';
import { LtError } from '@lt/core';
import { longTailedCounts } from './longTailedCounts.js';
import { readReferenceVectors } from '../../../test/support/vectors.js';

interface CountsVector {
  n_max: number;
  classes: number;
  imbalance: number;
  counts: number[];
}

const reference = readReferenceVectors<{ lt_counts: CountsVector[] }>();

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('longTailedCounts', () => {
  it.each(reference.lt_counts)('matches the reference counts for C=$classes, IF=$imbalance, n_max=$n_max', (vector) => {
    expect(
      longTailedCounts({ maxCount: vector.n_max, numClasses: vector.classes, imbalanceFactor: vector.imbalance }),
    ).toEqual(vector.counts);
  });

  it('gives the CIFAR-10 profiles of ALGORITHMS I.1', () => {
    const cifar10 = (imbalanceFactor: number) => longTailedCounts({ maxCount: 5000, numClasses: 10, imbalanceFactor });
    expect(cifar10(100)).toEqual([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]);
    expect(cifar10(50)).toEqual([5000, 3237, 2096, 1357, 878, 568, 368, 238, 154, 100]);
    expect(cifar10(10)).toEqual([5000, 3871, 2997, 2320, 1796, 1391, 1077, 834, 645, 500]);
    expect([sum(cifar10(100)), sum(cifar10(50)), sum(cifar10(10))]).toEqual([12406, 13996, 20431]);
  });

  it('gives the CIFAR-100 totals of ALGORITHMS I.2 and truncates rather than rounds', () => {
    const cifar100 = (imbalanceFactor: number) => longTailedCounts({ maxCount: 500, numClasses: 100, imbalanceFactor });
    expect([sum(cifar100(100)), sum(cifar100(50)), sum(cifar100(10))]).toEqual([10847, 12608, 19573]);
    // 15.9963… → 15 (class 74).
    expect(cifar100(100)[74]).toBe(15);
  });

  it('lands exactly on maxCount / IF for the tail class', () => {
    expect(longTailedCounts({ maxCount: 5000, numClasses: 10, imbalanceFactor: 100 }).at(-1)).toBe(50);
  });

  it('returns [maxCount] for a single class and a flat profile for IF 1', () => {
    expect(longTailedCounts({ maxCount: 7, numClasses: 1, imbalanceFactor: 100 })).toEqual([7]);
    expect(longTailedCounts({ maxCount: 30, numClasses: 4, imbalanceFactor: 1 })).toEqual([30, 30, 30, 30]);
  });

  it('rejects an imbalance factor below 1 and non-integer or non-positive counts, naming the field', () => {
    expect(() => longTailedCounts({ maxCount: 100, numClasses: 10, imbalanceFactor: 0.5 })).toThrow(LtError);
    expect(() => longTailedCounts({ maxCount: 100, numClasses: 10, imbalanceFactor: 0.5 })).toThrow(/imbalanceFactor/);
    expect(() => longTailedCounts({ maxCount: 100, numClasses: 10, imbalanceFactor: Number.NaN })).toThrow(/imbalanceFactor/);
    expect(() => longTailedCounts({ maxCount: 0, numClasses: 10, imbalanceFactor: 10 })).toThrow(/maxCount/);
    expect(() => longTailedCounts({ maxCount: 10.5, numClasses: 10, imbalanceFactor: 10 })).toThrow(/maxCount/);
    expect(() => longTailedCounts({ maxCount: 100, numClasses: 0, imbalanceFactor: 10 })).toThrow(/numClasses/);
    expect(() => longTailedCounts({ maxCount: 100, numClasses: 2.5, imbalanceFactor: 10 })).toThrow(/numClasses/);
  });
});
