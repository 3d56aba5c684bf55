import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../index.js';
import { addRelu, relu } from './relu.js';
import { gradientsRecording } from './tape.js';

/** Central finite differences of Σ c·f(x) at every element of x (c fixed weights, so every element matters). */
function finiteDifferences(f: (x: tf.Tensor) => tf.Tensor, x: number[], c: tf.Tensor, h = 1e-3): number[] {
  const loss = (values: number[]) => tf.tidy(() => tf.sum(tf.mul(f(tf.tensor1d(values)), c)).dataSync()[0]);
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] += h;
    down[i] -= h;
    return (loss(up) - loss(down)) / (2 * h);
  });
}

describe('relu and addRelu', () => {
  afterEach(async () => {
    await selectBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`relu: max(x, 0) with the finite-difference gradient (${backend})`, async () => {
      await selectBackend(backend);
      // Kept away from 0, where the derivative jumps.
      const x = [-1.5, -0.3, 0.2, 0.7, 2.1, -0.05, 0.4];
      const c = tf.tensor1d([1, 2, -1, 0.5, 3, 1, -2]);
      const y = tf.tidy(() => Array.from(relu(tf.tensor1d(x)).dataSync()));
      expect(y).toEqual(x.map((v) => Math.fround(Math.max(v, 0))));
      const grad = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(relu(t), c)))(tf.tensor1d(x)).dataSync()));
      finiteDifferences(relu, x, c).forEach((g, i) => expect(grad[i]).toBeCloseTo(g, 2));
      c.dispose();
    });

    it(`addRelu: relu(a + b), both gradients by finite differences, nothing leaked (${backend})`, async () => {
      await selectBackend(backend);
      const a = tf.tensor2d([0.5, -2, 1.2, 0.3, -0.4, 2], [2, 3]);
      const b = tf.tensor2d([0.1, 1, -1.5, -0.6, 0.8, 0.1], [2, 3]);
      const c = tf.tensor2d([1, -1, 2, 0.5, 1.5, -3], [2, 3]);
      const before = tf.memory().numTensors;
      const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(addRelu(p, q), c)))([a, b]);
      const expected = tf.tidy(() => Array.from(tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.add(p, q)), c)))([a, b])[0].dataSync()));
      expect(Array.from(da.dataSync())).toEqual(expected);
      expect(Array.from(db.dataSync())).toEqual(expected);
      tf.dispose([da, db]);
      expect(tf.memory().numTensors).toBe(before);
      const flatB = Array.from(b.dataSync());
      const numeric = finiteDifferences((t) => addRelu(t, tf.tensor1d(flatB)), Array.from(a.dataSync()), tf.reshape(c, [6]));
      numeric.forEach((g, i) => expect(expected[i]).toBeCloseTo(g, 2));
      tf.dispose([a, b, c]);
    });
  }

  it('addRelu refuses terms of different shapes instead of broadcasting', () => {
    expect(() => addRelu(tf.zeros([2, 3]), tf.zeros([3]))).toThrow(/one shape, got \[2, 3\] and \[3\]/);
  });

  it('gradientsRecording is true only while a gradient is being taped', () => {
    expect(gradientsRecording()).toBe(false);
    let inside = false;
    tf.grad((x: tf.Tensor) => {
      inside = gradientsRecording();
      return tf.sum(x);
    })(tf.ones([2])).dispose();
    expect(inside).toBe(true);
    expect(gradientsRecording()).toBe(false);
  });
});
