import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { lasLoss, softLasLoss } from './lasLoss.js';
import { labelAwareSmoothing } from './labelAwareSmoothing.js';
import { expectClose, reference, take, useBackend } from './reference.fixture.js';

describe.each(['cpu', 'wasm'] as const)('lasLoss on %s', (backend) => {
  it.each(reference.las.map((c) => [c.shape, c] as const))('matches the reference loss and gradient (%s)', async (_shape, c) => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const numClasses = c.counts.length;
    const epsilon = labelAwareSmoothing(c.counts, { head: c.head, tail: c.tail, shape: c.shape, ...(c.power !== null && { power: c.power }) });
    const logits = tf.tensor2d(c.logits, [c.labels.length, numClasses]);
    const labels = tf.tensor1d(c.labels, 'int32');
    expectClose(take(lasLoss(logits, labels, epsilon)), [c.loss]);
    expectClose(take(lasLoss(logits, c.labels, epsilon)), [c.loss]);
    const grad = tf.grad((z: tf.Tensor) => lasLoss(z as tf.Tensor2D, labels, epsilon))(logits);
    expectClose(take(grad), c.grad_logits);
    tf.dispose([logits, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('lasLoss', () => {
  it('gives the ALGORITHMS.md I.11 values', async () => {
    await useBackend('cpu');
    const logits = tf.tensor2d([[2, 1, 0]]);
    expectClose(take(lasLoss(logits, [0], [0, 0, 0])), [0.407606]);
    expectClose(take(lasLoss(logits, [0], [0.1, 0, 0])), [0.507606]);
    expectClose(take(lasLoss(logits, [2], [0, 0, 0.4])), [2.007606]);
    logits.dispose();
  });

  it('uses the ε of each sample’s own label and averages over the batch', async () => {
    await useBackend('cpu');
    const logits = tf.tensor2d([[2, 1, 0], [2, 1, 0]]);
    expectClose(take(lasLoss(logits, [0, 2], Float64Array.from([0.1, 0.3, 0.4]))), [(0.507606 + 2.007606) / 2]);
    const epsilon = tf.tensor1d([0.1, 0.3, 0.4]);
    expectClose(take(lasLoss(logits, Int32Array.from([0, 2]), epsilon)), [(0.507606 + 2.007606) / 2]);
    tf.dispose([logits, epsilon]);
  });

  it('has the gradient that finite differences give', async () => {
    await useBackend('cpu');
    const values = [0.3, -1.2, 2.0, 0.5, 0.1, -0.4, 1.5, -2.2, 0.8, 0.0, -0.6, 1.1];
    const labels = [1, 3, 0];
    const epsilon = [0.35, 0.2, 0.1, 0.05];
    const loss = (v: number[]) => take(lasLoss(tf.tensor2d(v, [3, 4]), labels, epsilon))[0];
    const logits = tf.tensor2d(values, [3, 4]);
    const analytic = take(tf.grad((z: tf.Tensor) => lasLoss(z as tf.Tensor2D, labels, epsilon))(logits));
    logits.dispose();
    const h = 1e-2;
    const numeric = values.map((_, i) => {
      const plus = [...values];
      const minus = [...values];
      plus[i] += h;
      minus[i] -= h;
      return (loss(plus) - loss(minus)) / (2 * h);
    });
    expectClose(analytic, numeric, 2e-4);
  });

  it('reduces to plain cross-entropy when every ε is 0', async () => {
    await useBackend('cpu');
    const logits = tf.tensor2d([[0.2, -1, 3], [1, 1, 0]]);
    const expected = tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3), tf.logSoftmax(logits)), 1))));
    expectClose(take(lasLoss(logits, [2, 0], [0, 0, 0])), take(expected), 1e-6);
    logits.dispose();
  });

  it('rejects mismatched shapes and labels out of range, naming them', async () => {
    await useBackend('cpu');
    const logits = tf.tensor2d([[2, 1, 0]]);
    expect(() => lasLoss(logits, [0], [0.1, 0.2])).toThrow(/epsilon has 2 values but the logits have 3 classes/);
    expect(() => lasLoss(logits, [0, 1], [0, 0, 0])).toThrow(/2 labels but the logits have 1 rows/);
    expect(() => lasLoss(logits, [3], [0, 0, 0])).toThrow(/labels\[0\] is 3/);
    expect(() => lasLoss(logits, [0], [0, NaN, 0])).toThrow(/epsilon\[1\] is NaN/);
    const flat = tf.tensor1d([1, 2, 3]);
    expect(() => lasLoss(flat as unknown as tf.Tensor2D, [0], [0, 0, 0])).toThrow(/logits must be \[B, C\]/);
    tf.dispose([logits, flat]);
  });
});

describe('softLasLoss', () => {
  it('equals lasLoss on one-hot targets and λ·L(a) + (1 − λ)·L(b) on mixed targets', async () => {
    await useBackend('cpu');
    const epsilon = [0.3, 0.15, 0.05];
    const logits = tf.tensor2d([[0.5, -0.2, 1.3], [2, 0.1, -1]]);
    const oneHot = tf.tensor2d([[0, 1, 0], [1, 0, 0]]);
    expectClose(take(softLasLoss(logits, oneHot, epsilon)), take(lasLoss(logits, [1, 0], epsilon)), 1e-6);
    const lambda = 0.3;
    const mixed = tf.tensor2d([[lambda, 1 - lambda, 0], [1 - lambda, 0, lambda]]);
    const a = take(lasLoss(logits, [0, 2], epsilon))[0];
    const b = take(lasLoss(logits, [1, 0], epsilon))[0];
    expectClose(take(softLasLoss(logits, mixed, epsilon)), [lambda * a + (1 - lambda) * b], 1e-6);
    expect(() => softLasLoss(logits, tf.tensor2d([[1, 0]]), epsilon)).toThrow(/targets have shape \[1,2\]/);
    tf.dispose([logits, oneHot, mixed]);
  });
});
