import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initialRaw, monotoneScaling } from './monotoneScaling.js';
import { ascendingClassOrder } from './order.js';
import { backends, expectClose, reference, take, uniform, useBackend } from './reference.fixture.js';

const cifar10IF100 = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];

function scaling(raw: ArrayLike<number>, counts: ArrayLike<number>, strict = false): number[] {
  const r = tf.tensor1d(Array.from(raw));
  const s = take(monotoneScaling(r, counts, { strict }));
  r.dispose();
  return s;
}

describe('initialRaw', () => {
  it('matches the reference freq initialisation', () => {
    for (const c of reference.monotone_norm) expectClose(initialRaw(c.counts), c.init_raw, 1e-12);
  });

  it('gives the CIFAR-10 IF100 values of ALGORITHMS.md I.7', () => {
    expectClose(
      initialRaw(cifar10IF100),
      [1.000001, 0.595355, 0.352728, 0.207476, 0.120203, 0.068082, 0.036769, 0.017981, 0.006668, 0.000001],
      1e-6,
    );
  });

  it('gives 1e-6 to every class when all counts are equal, and accepts typed arrays', () => {
    expect(Array.from(initialRaw([7, 7, 7]))).toEqual([1e-6, 1e-6, 1e-6]);
    expect(initialRaw(Float64Array.from([3, 1]))).toBeInstanceOf(Float64Array);
    expect(() => initialRaw([])).toThrow(/classCounts is empty/);
    expect(() => initialRaw([1, NaN])).toThrow(/classCounts\[1\] is NaN/);
  });
});

describe('ascendingClassOrder', () => {
  it('sorts classes by ascending count, ties by class index', () => {
    expect(Array.from(ascendingClassOrder(cifar10IF100))).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(Array.from(ascendingClassOrder([5, 1, 5, 1, 3]))).toEqual([1, 3, 4, 0, 2]);
  });
});

describe.each(backends)('monotoneScaling on %s', (backend) => {
  it('matches the reference scaling and its gradient in raw', async () => {
    await useBackend(backend);
    for (const c of reference.monotone_norm) {
      expectClose(scaling(c.raw, c.counts), c.scaling);
      const g = tf.grad((raw: tf.Tensor) => tf.sum(tf.mul(monotoneScaling(raw as tf.Tensor1D, c.counts), tf.tensor1d(c.upstream))));
      expectClose(take(g(tf.tensor1d(c.raw))), c.grad_raw);
    }
  });

  it('gives the CIFAR-10 IF100 scaling of ALGORITHMS.md I.7 at freq init', async () => {
    await useBackend(backend);
    const s = scaling(initialRaw(cifar10IF100), cifar10IF100);
    expectClose(s, [0.761461, 0.966657, 1.129962, 1.246481, 1.324406, 1.374062, 1.405081, 1.424136, 1.435774, 1.44269]);
    expectClose(s.map(Math.exp), [2.141403, 2.629141, 3.095539, 3.478084, 3.75995, 3.951367, 4.075859, 4.154268, 4.202896, 4.232064]);
  });

  it('makes norms non-increasing in class count: tail ≥ head (F5 worked example)', async () => {
    await useBackend(backend);
    const s = scaling(initialRaw([100, 10, 1]), [100, 10, 1]);
    expectClose(s, [0.761461, 1.352015, 1.44269]);
    expectClose(s.map(Math.exp), [2.141403, 3.865205, 4.232064]);
  });

  it('projects a violating raw vector (ALGORITHMS.md I.8)', async () => {
    await useBackend(backend);
    const s = scaling([0.2, 0.9, 0.5], [100, 10, 1]);
    expectClose(s, [0.994536, 0.994536, 1.026611]);
    expectClose(s.map(Math.exp), [2.703468, 2.703468, 2.791589]);
  });

  it('adds 1e-4·rank to the projected temperatures when strict', async () => {
    await useBackend(backend);
    // counts [100, 10, 1]: class 2 has rank 0, class 1 rank 1, class 0 rank 2; raw all equal.
    const s = scaling([0.5, 0.5, 0.5], [100, 10, 1], true);
    const softplus = (z: number) => Math.log1p(Math.exp(z));
    expectClose(s, [2e-4, 1e-4, 0].map((offset) => 1 / (softplus(0.5 + offset) + 2e-6)));
    expect(s[2]).toBeGreaterThan(s[1]);
  });

  it('is invariant to shuffling the classes together with their counts', async () => {
    await useBackend(backend);
    const random = uniform(5);
    const counts = [500, 3, 120, 41, 7, 260, 18, 90];
    const raw = counts.map(() => random() * 2 - 1);
    const base = scaling(raw, counts);
    const permutation = [3, 0, 7, 5, 1, 6, 2, 4];
    const shuffled = scaling(permutation.map((k) => raw[k]), permutation.map((k) => counts[k]));
    expectClose(shuffled, permutation.map((k) => base[k]), 1e-6);
  });

  it('rejects a raw vector of the wrong length and NaN raw values, naming the class', async () => {
    await useBackend(backend);
    const raw = tf.tensor1d([0, 1]);
    expect(() => monotoneScaling(raw, [3, 2, 1])).toThrow(/raw has shape \[2\] but there are 3 classes/);
    const nan = tf.tensor1d([0, 1, NaN]);
    expect(() => monotoneScaling(nan, [3, 2, 1])).toThrow(/raw\[2\] is NaN/);
    tf.dispose([raw, nan]);
  });
});
