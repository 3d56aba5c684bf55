import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { batchNorm, type BatchNormParams } from './batchNorm.js';

let counter = 0;
function makeParams(channels: number, seed: number): BatchNormParams {
  const id = `bn-test-${counter++}`;
  return {
    gamma: tf.variable(tf.randomUniform([channels], 0.5, 1.5, 'float32', seed), true, `${id}.gamma`),
    beta: tf.variable(tf.randomUniform([channels], -0.5, 0.5, 'float32', seed + 1), true, `${id}.beta`),
    runningMean: tf.variable(tf.randomUniform([channels], -0.2, 0.2, 'float32', seed + 2), false, `${id}.running_mean`),
    runningVar: tf.variable(tf.randomUniform([channels], 0.5, 2, 'float32', seed + 3), false, `${id}.running_var`),
  };
}

function disposeParams(p: BatchNormParams): void {
  tf.dispose([p.gamma, p.beta, p.runningMean, p.runningVar]);
}

/** The reference: autodiff through tf.moments, biased variance, as PyTorch normalises in training. */
function reference(x: tf.Tensor, p: BatchNormParams, epsilon = 1e-5): tf.Tensor {
  const axes = x.rank === 4 ? [0, 1, 2] : [0];
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), p.gamma), p.beta);
}

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0] / Math.max(tf.max(tf.abs(expected)).dataSync()[0], 1e-12));
}

function toArray(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('batchNorm', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const shape of [
    [4, 3, 5, 6],
    [8, 5],
  ]) {
    it(`matches autodiff through tf.moments in values and x, gamma, beta gradients (x [${shape.join(',')}])`, () => {
      const channels = shape[shape.length - 1];
      const params = makeParams(channels, 1);
      // Offset and scale the input so the statistics are not trivially 0 and 1.
      const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 5), 3), 2)) as tf.Tensor4D | tf.Tensor2D;
      const r = tf.randomNormal(shape, 0, 1, 'float32', 6);
      const loss = (forward: (input: tf.Tensor) => tf.Tensor) => (input: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
        void gamma;
        void beta;
        return tf.sum(tf.mul(forward(input), r));
      };
      const ours = tf.grads(loss((input) => batchNorm(input as tf.Tensor4D, params, { mode: 'train' })))([x, params.gamma, params.beta]);
      const ref = tf.grads(loss((input) => reference(input, params)))([x, params.gamma, params.beta]);
      const y = batchNorm(x, params, { mode: 'train' });
      const yRef = reference(x, params);
      expect(relativeError(y, yRef)).toBeLessThan(1e-4);
      for (let i = 0; i < 3; i++) expect(relativeError(ours[i], ref[i])).toBeLessThan(1e-4);
      tf.dispose([...ours, ...ref, x, r, y, yRef]);
      disposeParams(params);
    });
  }

  it('updates running statistics with momentum 0.1 and the unbiased batch variance', () => {
    const params = makeParams(2, 3);
    // Channel 0 takes 1, 2, 3, 6; channel 1 takes 0, 0, 4, 4 (x is [4, 2]).
    const x = tf.tensor2d([
      [1, 0],
      [2, 0],
      [3, 4],
      [6, 4],
    ]);
    const mean0 = toArray(params.runningMean);
    const var0 = toArray(params.runningVar);
    batchNorm(x, params, { mode: 'train' }).dispose();
    const batchMean = [3, 2];
    const unbiasedVar = [14 / 3, 16 / 3];
    const mean1 = toArray(params.runningMean);
    const var1 = toArray(params.runningVar);
    for (let c = 0; c < 2; c++) {
      expect(mean1[c]).toBeCloseTo(0.9 * mean0[c] + 0.1 * batchMean[c], 5);
      expect(var1[c]).toBeCloseTo(0.9 * var0[c] + 0.1 * unbiasedVar[c], 5);
    }
    batchNorm(x, params, { mode: 'recalibrate', momentum: 0.5 }).dispose();
    const mean2 = toArray(params.runningMean);
    for (let c = 0; c < 2; c++) expect(mean2[c]).toBeCloseTo(0.5 * mean1[c] + 0.5 * batchMean[c], 5);
    x.dispose();
    disposeParams(params);
  });

  it('uses running statistics in eval mode and leaves them unchanged', () => {
    const params = makeParams(3, 9);
    const x = tf.randomNormal([5, 2, 2, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const mean0 = toArray(params.runningMean);
    const y = batchNorm(x, params, { mode: 'eval', epsilon: 1e-3 });
    const expected = tf.batchNorm(x, params.runningMean, params.runningVar, params.beta, params.gamma, 1e-3);
    expect(relativeError(y, expected)).toBeLessThan(1e-5);
    expect(toArray(params.runningMean)).toEqual(mean0);
    tf.dispose([x, y, expected]);
    disposeParams(params);
  });

  it('updates running statistics inside tf.variableGrads and tf.tidy without leaking tensors', () => {
    const params = makeParams(4, 4);
    const x = tf.randomNormal([6, 3, 3, 4], 0, 1, 'float32', 8) as tf.Tensor4D;
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.square(batchNorm(x, params, { mode: 'train' }))) as tf.Scalar,
          [params.gamma, params.beta],
        );
        expect(Object.keys(grads).sort()).toEqual([params.beta.name, params.gamma.name].sort());
        return value;
      });
    step().dispose(); // warm-up: first calls may allocate backend state
    const before = tf.memory().numTensors;
    const mean0 = toArray(params.runningMean);
    for (let i = 0; i < 3; i++) step().dispose();
    expect(tf.memory().numTensors).toBe(before);
    const mean1 = toArray(params.runningMean);
    expect(mean1).not.toEqual(mean0);
    expect(params.runningMean.isDisposed).toBe(false);
    x.dispose();
    disposeParams(params);
  });

  it('refuses batch statistics over a single value per channel, as PyTorch does', () => {
    const params = makeParams(3, 1);
    const x = tf.ones([1, 3]) as tf.Tensor2D;
    expect(() => batchNorm(x, params, { mode: 'train' })).toThrow(/more than one value per channel/);
    x.dispose();
    disposeParams(params);
  });
});
