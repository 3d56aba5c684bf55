import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { expectClose, readReferenceVectors, take } from '../../../test/support/vectors.js';
import { balancedSoftmaxLoss, logitAdjustedLoss, posthocLogitAdjust } from './logitAdjust.js';
import { classBalancedWeights, ldamLoss, ldamMargins } from './ldam.js';

interface LossCase {
  profile: string;
  counts: number[];
  labels: number[];
  logits: number[];
  loss: number;
  grad_logits: number[];
}
interface LaCase extends LossCase {
  tau: number;
  default_args: boolean;
  posthoc: number[];
}
interface LdamCase extends LossCase {
  max_margin: number;
  scale: number;
  default_args: boolean;
  weights: number[] | null;
  margins: number[];
}
const vectors = readReferenceVectors<{
  logit_adjust: LaCase[];
  balanced_softmax: LossCase[];
  ldam: LdamCase[];
  cb_weights: Array<{ counts: number[]; beta: number; weights: number[] }>;
}>('baselines.json');

const shapeOf = (c: LossCase): [number, number] => [c.labels.length, c.counts.length];

/** Checks a loss's value (labels as tensor and as number[]) and its gradient against the reference, leak-free. */
function checkLoss(c: LossCase, loss: (logits: tf.Tensor2D, labels: tf.Tensor1D | number[]) => tf.Scalar): void {
  const before = tf.memory().numTensors;
  const logits = tf.tensor2d(c.logits, shapeOf(c));
  const labels = tf.tensor1d(c.labels, 'int32');
  expectClose(take(loss(logits, labels)), [c.loss]);
  expectClose(take(loss(logits, c.labels)), [c.loss]);
  expectClose(take(tf.grad((z: tf.Tensor) => loss(z as tf.Tensor2D, labels))(logits)), c.grad_logits);
  tf.dispose([logits, labels]);
  expect(tf.memory().numTensors).toBe(before);
}

describe.each(['cpu', 'wasm'] as const)('logit-adjust functions on %s', (backend) => {
  it.each(vectors.logit_adjust.map((c) => [c.profile, c.tau, c] as const))('logitAdjustedLoss / posthocLogitAdjust (%s, τ %s)', async (_p, _t, c) => {
    await selectBackend(backend);
    const counts = Float64Array.from(c.counts);
    checkLoss(c, (z, y) => (c.default_args ? logitAdjustedLoss(z, y, counts) : logitAdjustedLoss(z, y, counts, c.tau)));
    const logits = tf.tensor2d(c.logits, shapeOf(c));
    expectClose(take(c.default_args ? posthocLogitAdjust(logits, c.counts) : posthocLogitAdjust(logits, c.counts, c.tau)), c.posthoc);
    logits.dispose();
  });

  it.each(vectors.balanced_softmax.map((c) => [c.profile, c] as const))('balancedSoftmaxLoss (%s)', async (_p, c) => {
    await selectBackend(backend);
    checkLoss(c, (z, y) => balancedSoftmaxLoss(z, y, c.counts));
  });

  it.each(vectors.ldam.map((c, i) => [i, c.profile, c] as const))('ldamMargins / ldamLoss (#%s %s)', async (_i, _p, c) => {
    await selectBackend(backend);
    expectClose(c.default_args ? ldamMargins(c.counts) : ldamMargins(c.counts, c.max_margin), c.margins, 1e-12);
    const options = { maxMargin: c.max_margin, scale: c.scale, ...(c.weights !== null && { weights: Float64Array.from(c.weights) }) };
    checkLoss(c, (z, y) => (c.default_args && c.weights === null ? ldamLoss(z, y, c.counts) : ldamLoss(z, y, c.counts, options)));
  });
});

describe('classBalancedWeights', () => {
  it.each(vectors.cb_weights.map((c) => [c.counts.length, c.beta, c] as const))('matches the reference (C %s, β %s)', (_n, _b, c) => {
    expectClose(classBalancedWeights(Float64Array.from(c.counts), c.beta), c.weights, 1e-9);
  });

  it('rejects β outside [0, 1) and non-positive counts, naming them', () => {
    expect(() => classBalancedWeights([10, 5], 1)).toThrow(/beta must be in \[0, 1\), got 1/);
    expect(() => ldamMargins([10, 0])).toThrow(/0 for class 1/);
  });
});
