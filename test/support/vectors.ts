// Helpers shared by every package's parity tests (not part of any package).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** The vector files kept in `test/vectors/` (provenance in its README). */
export type VectorFile = 'reference.json' | 'baselines.json';

/** A reference-vector file of `test/vectors/`: float64 values computed by the official PyTorch code. */
export function readReferenceVectors<T>(file: VectorFile = 'reference.json'): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8')) as T;
}

/** Asserts |actual − expected| ≤ tolerance element-wise, reporting the first index that fails. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i] - expected[i]);
    if (!(difference <= tolerance)) {
      expect.fail(`index ${i}: got ${actual[i]}, expected ${expected[i]} (|Δ| = ${difference} > ${tolerance})`);
    }
  }
}

/** Reads a tensor's values and disposes it. */
export function take(tensor: tf.Tensor): number[] {
  const values = Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}
