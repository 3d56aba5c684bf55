// Test helpers (not built): the shared reference vectors, closeness checks and a plain linear head.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { selectBackend } from '@lt/core';
import { linearHeadFrom, type LinearHead } from '@lt/models';
import { expectClose, readReferenceVectors, take } from '../../../test/support/vectors.js';
export { expectClose, take };

export interface PavaCase {
  y: number[];
  z: number[];
  blocks: number[];
  upstream: number[];
  grad: number[];
}
export interface MonotoneNormCase {
  counts: number[];
  init_raw: number[];
  raw: number[];
  scaling: number[];
  upstream: number[];
  grad_raw: number[];
}
export interface SamnLinearCase {
  counts: number[];
  weight: number[];
  bias: number[];
  raw_w: number[];
  raw_b: number[];
  x: number[];
  labels: number[];
  /** [B, D, C] */
  shape: [number, number, number];
  logits: number[];
  loss: number;
  grad_weight: number[];
  grad_bias: number[];
  grad_raw_w: number[];
  grad_raw_b: number[];
}
export interface ReferenceVectors {
  pava: PavaCase[];
  monotone_norm: MonotoneNormCase[];
  samn_linear: SamnLinearCase[];
}

/** The reference vectors this package's parity tests use. */
export const reference = readReferenceVectors<ReferenceVectors>();

/** The backends every differentiable op must run on here (tfjs-node cannot be installed on this machine). */
export const backends = ['cpu', 'wasm'] as const;

/** Activates a backend through @lt/core (which loads @tensorflow/tfjs-backend-wasm when asked). */
export async function useBackend(name: (typeof backends)[number]): Promise<void> {
  await selectBackend(name);
  expect(tf.getBackend()).toBe(name);
}

/** A plain linear head (logits = x·Wᵀ + b) with the given values, as the stage-1 head of @lt/models. */
export function linearHead(weight: number[][], bias: number[], name = 'head'): LinearHead {
  return linearHeadFrom({ name, weight, bias });
}

/** Mean softmax cross-entropy of logits [B, C] against integer labels. */
export function meanCrossEntropy(logits: tf.Tensor2D, labels: number[]): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/** A seeded uniform stream in [0, 1) (mulberry32), so tests are reproducible. */
export function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The worked PAVALinear example of ALGORITHMS.md I.9: counts, W [C, D], b. */
export const worked = {
  counts: [100, 10, 1],
  weight: [
    [3, 4],
    [1, 0],
    [0, 2],
  ],
  bias: [0.1, 0, -0.1],
};
