// Test helpers (not built): the shared reference vectors, closeness checks, a plain linear head, a fake stage.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { selectBackend, type StageContext, type StageSettings } from '@lt/core';
import type { SmoothingShape } from './labelAwareSmoothing.js';
import { linearHeadFrom, type LinearHead } from '@lt/models';

export interface LasCase {
  shape: SmoothingShape;
  power: number | null;
  counts: number[];
  head: number;
  tail: number;
  epsilon: number[];
  /** [B, C] row-major, B = labels.length, C = counts.length. */
  logits: number[];
  labels: number[];
  loss: number;
  grad_logits: number[];
}

/** ../shared/vectors/reference.json next to the repository (float64 values from MiSLAS's LabelAwareSmoothing). */
export const reference = JSON.parse(readFileSync(new URL('../../../../shared/vectors/reference.json', import.meta.url), 'utf8')) as {
  las: LasCase[];
};

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

/** Activates a backend through @lt/core. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  await selectBackend(name);
  expect(tf.getBackend()).toBe(name);
}

/** A plain linear head (logits = x·Wᵀ + b) with the given values, as the stage-1 head of @lt/models. */
export function linearHead(weight: number[][], bias: number[], name = 'head'): LinearHead {
  return linearHeadFrom({ name, weight, bias });
}

/** A stage context with just what the SLAS taps read. */
export function fakeStage(options: { classCounts: number[]; stage?: Partial<StageSettings>; warnings?: string[]; labels?: Int32Array }): StageContext {
  const { classCounts } = options;
  return {
    stage: { name: 'classifier', batchSize: 8, freeze: 'backbone', batchNorm: 'recalibrate', epochs: 1, lr: 0.1, ...options.stage } as StageSettings,
    classCounts,
    numClasses: classCounts.length,
    dataset: { trainLabels: options.labels ?? new Int32Array() },
    logger: { info: () => undefined, warn: (message: string) => options.warnings?.push(message) },
  } as unknown as StageContext;
}
