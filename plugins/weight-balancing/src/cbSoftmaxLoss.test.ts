import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { classBalancedWeights } from '@lt/logit-adjust';
import { expectClose, take } from '../../../test/support/vectors.js';
import { cbSoftmaxLoss } from './cbSoftmaxLoss.js';

const counts = [500, 120, 30, 6];
const logits = [
  [1.2, -0.3, 0.5, 2.0],
  [-1.0, 0.4, 0.1, 0.0],
  [0.3, 0.3, -2.0, 1.1],
];
const labels = [3, 1, 2];

/** The loss written out in float64: Σ_i Σ_k w_{y_i}·BCE(p_ik, [k = y_i]) / (B·C). */
function float64Loss(z: number[][], beta: number): number {
  const w = classBalancedWeights(counts, beta);
  let sum = 0;
  z.forEach((row, i) => {
    const exp = row.map(Math.exp);
    const total = exp.reduce((a, b) => a + b, 0);
    exp.forEach((e, k) => {
      const p = e / total;
      sum -= w[labels[i]] * (k === labels[i] ? Math.log(p) : Math.log(1 - p));
    });
  });
  return sum / (z.length * counts.length);
}

describe.each(['cpu', 'wasm'] as const)('cbSoftmaxLoss on %s', (backend) => {
  it.each([0.9999, 0.99, 0])('is the class-weighted binary CE on softmax probabilities averaged over B·C (β %s)', async (beta) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    const z = tf.tensor2d(logits);
    expectClose(take(cbSoftmaxLoss(z, labels, counts, beta)), [float64Loss(logits, beta)]);
    const y = tf.tensor1d(labels, 'int32');
    expectClose(take(cbSoftmaxLoss(z, y, Float64Array.from(counts), beta)), [float64Loss(logits, beta)]);
    // Central finite differences of the float64 loss.
    const grad = take(tf.grad((x: tf.Tensor) => cbSoftmaxLoss(x as tf.Tensor2D, labels, counts, beta))(z));
    const h = 1e-6;
    const numeric = logits.flatMap((row, i) =>
      row.map((_v, k) => {
        const shifted = (d: number) => logits.map((r, a) => r.map((v, b) => (a === i && b === k ? v + d : v)));
        return (float64Loss(shifted(h), beta) - float64Loss(shifted(-h), beta)) / (2 * h);
      }),
    );
    expectClose(grad, numeric);
    tf.dispose([z, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives a finite gradient when the softmax saturates (torch clamps the BCE gradient denominator at 1e-12)', async () => {
    await selectBackend(backend);
    const z = tf.tensor2d([[120, 0, -3, 1]]);
    const grad = take(tf.grad((x: tf.Tensor) => cbSoftmaxLoss(x as tf.Tensor2D, [0], counts))(z));
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(take(cbSoftmaxLoss(z, [1], counts))).toSatisfy((v: number[]) => Number.isFinite(v[0]) && v[0] > 0);
    z.dispose();
  });
});
