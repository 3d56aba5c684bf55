// Test helpers (not built): the shared reference vectors, closeness checks, a plain linear head, a fake stage.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { selectBackend, type StageContext, type StageSettings } from '@lt/core';
import type { SmoothingShape } from './labelAwareSmoothing.js';
import { linearHeadFrom, type LinearHead } from '@lt/models';
import { expectClose, readReferenceVectors, take } from '../../../test/support/vectors.js';
export { expectClose, take };

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

/** The reference vectors this package's parity tests use. */
export const reference = readReferenceVectors<{ las: LasCase[] }>();

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
