import { describe, expect, it } from 'vitest';
import { confusionMatrix, perClassAccuracy } from './confusion.js';
import { frequencyGroup, manyMediumFew } from './manyMediumFew.js';

describe('confusion matrix and per-class accuracy', () => {
  it('counts rows as true classes and columns as predictions', () => {
    const m = confusionMatrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 0, 2, 2], 3);
    expect(Array.from(m)).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 2]);
    const acc = perClassAccuracy(m, 3);
    expect(acc[0]).toBeCloseTo(0.5);
    expect(acc[1]).toBe(1);
    expect(acc[2]).toBeCloseTo(2 / 3);
  });

  it('gives NaN accuracy for a class with no test samples', () => {
    expect(perClassAccuracy(confusionMatrix([0], [0], 2), 2)[1]).toBeNaN();
  });
});

describe('manyMediumFew', () => {
  it('puts n = 20 in Medium under the paper rule and in Few under the reference-code rule', () => {
    expect(frequencyGroup(20, 'paper')).toBe('medium');
    expect(frequencyGroup(20, 'reference-code')).toBe('few');
    expect(frequencyGroup(101, 'paper')).toBe('many');
    expect(frequencyGroup(100, 'reference-code')).toBe('medium');
    expect(frequencyGroup(19, 'paper')).toBe('few');
  });

  it('averages per-class accuracy within each group, unweighted', () => {
    const r = manyMediumFew([0.9, 0.7, 0.5, 0.2, 0.1], [500, 200, 50, 20, 5], 'paper');
    expect(r.many).toBeCloseTo(0.8);
    expect(r.medium).toBeCloseTo(0.35);
    expect(r.few).toBeCloseTo(0.1);
    expect(r.groups).toEqual({ many: [0, 1], medium: [2, 3], few: [4] });
    const code = manyMediumFew([0.9, 0.7, 0.5, 0.2, 0.1], [500, 200, 50, 20, 5], 'reference-code');
    expect(code.medium).toBeCloseTo(0.5);
    expect(code.few).toBeCloseTo(0.15);
  });

  it('reports an empty group as null, or as 0 like the reference code when asked', () => {
    const counts = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];
    const acc = counts.map(() => 0.5);
    const r = manyMediumFew(acc, counts);
    expect([r.groups.many.length, r.groups.medium.length, r.groups.few.length]).toEqual([8, 2, 0]);
    expect(r.few).toBeNull();
    expect(manyMediumFew(acc, counts, 'paper', 'zero').few).toBe(0);
  });

  it('reproduces the CIFAR-100 IF100 group sizes of ALGORITHMS.md I.3', () => {
    const counts = Array.from({ length: 100 }, (_, k) => Math.trunc(500 * Math.pow(0.01, k / 99)));
    const sizes = (rule: 'paper' | 'reference-code') => {
      const g = manyMediumFew(counts.map(() => 0), counts, rule).groups;
      return [g.many.length, g.medium.length, g.few.length];
    };
    expect(sizes('reference-code')).toEqual([35, 34, 31]);
    expect(sizes('paper')).toEqual([35, 35, 30]);
  });

  it('rejects mismatched lengths', () => {
    expect(() => manyMediumFew([1], [1, 2])).toThrow(/classCounts/);
  });
});
