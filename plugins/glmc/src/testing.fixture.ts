// Test helpers (not built): closeness checks, the reference's CIFAR-10 IF100 counts, a scripted rng.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { createRng, selectBackend, type Rng } from '@lt/core';

/** ALGORITHMS.md I.1: CIFAR-10 at imbalance factor 100. */
export const cifar10If100 = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];

/** Asserts |actual − expected| ≤ tolerance element-wise, reporting the first index that fails. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i] - expected[i]);
    if (!(difference <= tolerance)) expect.fail(`index ${i}: got ${actual[i]}, expected ${expected[i]} (|Δ| = ${difference} > ${tolerance})`);
  }
}

/** Reads a tensor's values and disposes it. */
export function take(tensor: tf.Tensor): number[] {
  const values = Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}

/** Activates the cpu backend through @lt/core. */
export async function useCpu(): Promise<void> {
  await selectBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
}

/** An rng whose `int` answers come from a script (the rest from a seeded stream). */
export function scriptedRng(ints: number[]): Rng {
  const base = createRng(0);
  const queue = [...ints];
  return Object.assign(Object.create(base) as Rng, {
    int: (n: number) => {
      const value = queue.shift();
      if (value === undefined || value >= n) throw new Error(`scripted rng: no answer below ${n}`);
      return value;
    },
  });
}

/** Seeded normal values as a tensor. */
export function randomTensor<R extends tf.Rank>(shape: number[], seed: number): tf.Tensor<R> {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape as tf.ShapeMap[R]) as tf.Tensor<R>;
}
