import { describe, expect, it } from 'vitest';
import { LtError } from '@lt/core';
import { labelAwareSmoothing } from './labelAwareSmoothing.js';
import { expectClose, reference } from './reference.fixture.js';

const cifar10IF100 = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];

describe('labelAwareSmoothing', () => {
  it.each(reference.las.map((c) => [c.shape, c] as const))('matches the reference ε for the %s shape', (_shape, c) => {
    const epsilon = labelAwareSmoothing(c.counts, { head: c.head, tail: c.tail, shape: c.shape, ...(c.power !== null && { power: c.power }) });
    expect(epsilon).toBeInstanceOf(Float64Array);
    expectClose(epsilon, c.epsilon);
  });

  it('gives the ALGORITHMS.md I.10 values on CIFAR-10 IF100 counts (concave, the default shape)', () => {
    expectClose(labelAwareSmoothing(cifar10IF100, { head: 0.3, tail: 0 }), [0.3, 0.241412, 0.157844, 0.096049, 0.056308, 0.032021, 0.017317, 0.008472, 0.003142, 0], 1e-6);
    expectClose(
      labelAwareSmoothing(cifar10IF100, { head: 0.3, tail: 0.1, shape: 'concave' }),
      [0.3, 0.260941, 0.205229, 0.164032, 0.137539, 0.121347, 0.111544, 0.105648, 0.102094, 0.1],
      1e-6,
    );
  });

  it('gives the ALGORITHMS.md I.10 values of every shape on counts [100, 60, 10]', () => {
    const counts = [100, 60, 10];
    const options = { head: 0.4, tail: 0.1 };
    expectClose(labelAwareSmoothing(counts, { ...options, shape: 'concave' }), [0.4, 0.329813, 0.1], 1e-6);
    expectClose(labelAwareSmoothing(counts, { ...options, shape: 'linear' }), [0.4, 0.266667, 0.1], 1e-6);
    expectClose(labelAwareSmoothing(counts, { ...options, shape: 'convex' }), [0.4, 0.207164, 0.1], 1e-6);
    expectClose(labelAwareSmoothing(counts, { ...options, shape: 'exp', power: 2 }), [0.4, 0.192593, 0.1], 1e-6);
  });

  it('gives the head class ε_head and the tail class ε_tail whatever the class order', () => {
    const epsilon = labelAwareSmoothing([10, 100, 60, 10], { head: 0.2, tail: 0.05, shape: 'convex' });
    expectClose(epsilon, [0.05, 0.2, labelAwareSmoothing([100, 60, 10], { head: 0.2, tail: 0.05, shape: 'convex' })[1], 0.05], 1e-12);
  });

  it('accepts typed arrays of counts', () => {
    expectClose(labelAwareSmoothing(Float64Array.from([100, 60, 10]), { head: 0.4, tail: 0.1 }), [0.4, 0.329813, 0.1], 1e-6);
    expectClose(labelAwareSmoothing(Int32Array.from([100, 60, 10]), { head: 0.4, tail: 0.1 }), [0.4, 0.329813, 0.1], 1e-6);
  });

  it('falls back to plain label smoothing with ε = head when every class has the same count (0/0)', () => {
    expect(Array.from(labelAwareSmoothing([50, 50, 50], { head: 0.3, tail: 0.1 }))).toEqual([0.3, 0.3, 0.3]);
    expect(Array.from(labelAwareSmoothing([7], { head: 0.2, tail: 0, shape: 'exp', power: 2 }))).toEqual([0.2]);
  });

  it('rejects bad inputs with errors naming the field', () => {
    const counts = [100, 10];
    expect(() => labelAwareSmoothing(counts, { head: 1.5, tail: 0 })).toThrow(/head is 1.5/);
    expect(() => labelAwareSmoothing(counts, { head: 0.1, tail: -0.1 })).toThrow(/tail is -0.1/);
    expect(() => labelAwareSmoothing(counts, { head: 0.1, tail: 0, shape: 'cubic' as 'linear' })).toThrow(/shape is 'cubic'/);
    expect(() => labelAwareSmoothing(counts, { head: 0.1, tail: 0, shape: 'exp' })).toThrow(/shape 'exp' needs a positive finite power/);
    expect(() => labelAwareSmoothing(counts, { head: 0.1, tail: 0, shape: 'linear', power: 2 })).toThrow(/power \(2\) is only used by shape 'exp'/);
    expect(() => labelAwareSmoothing([], { head: 0.1, tail: 0 })).toThrow(/classCounts is empty/);
    expect(() => labelAwareSmoothing([10, NaN], { head: 0.1, tail: 0 })).toThrow(/classCounts\[1\] is NaN/);
    expect(() => labelAwareSmoothing([10, -1], { head: 0.1, tail: 0 })).toThrow(LtError);
  });
});
