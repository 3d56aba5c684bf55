// Steps of @lt/core's ops that the backend parity tests run on cpu and on a backend with lt's kernels.
import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, type BatchNormParams } from '../../packages/core/src/ops/batchNorm.js';
import { Sgd } from '../../packages/core/src/optim/sgd.js';

/** Seeded normal values of `shape` as a plain nested array (the same inputs on every backend). */
export const values = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed).arraySync();

/** The four variables of a BatchNorm layer of `c` channels, with distinct γ and β per channel. */
export function bnParams(c: number): BatchNormParams {
  return {
    gamma: tf.variable(tf.tensor1d(Array.from({ length: c }, (_, i) => 1 + 0.1 * i))),
    beta: tf.variable(tf.tensor1d(Array.from({ length: c }, (_, i) => 0.05 * i - 0.1))),
    runningMean: tf.variable(tf.zeros([c]), false),
    runningVar: tf.variable(tf.ones([c]), false),
  };
}

/** One train-mode BatchNorm forward and backward: y, dx, dγ, dβ and the updated running statistics. */
export function batchNormStep(xValues: unknown, shape: number[], relu = false, withResidual = false): tf.Tensor[] {
  const c = shape[shape.length - 1];
  const params = bnParams(c);
  const x = tf.tensor(xValues as number[], shape);
  const residual = tf.randomNormal(shape, 0, 1, 'float32', 8);
  const weights = tf.randomUniform(shape, -1, 1, 'float32', 7);
  const bn = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor) =>
    batchNorm(a as tf.Tensor4D, { ...params, gamma: g as tf.Variable, beta: b as tf.Variable }, { mode: 'train', relu, residual: withResidual ? r : undefined });
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(tf.add(bn(a, g, b, r), tf.mul(r, 0)), weights));
  const y = tf.tidy(() => bn(x, params.gamma, params.beta, residual));
  const grads = tf.grads(f)([x, params.gamma, params.beta, residual]);
  const out = [y, ...grads, params.runningMean.clone(), params.runningVar.clone()];
  tf.dispose([x, residual, weights, params.gamma, params.beta, params.runningMean, params.runningVar]);
  return out;
}

/**
 * Three SGD steps (momentum 0.9, weight decay 5e-3, lr 0.1, the second parameter at half the lr) over parameters of
 * `shapes` on seeded gradients: returns a step for onBoth that yields the parameters, then the momentum buffers.
 */
export function sgdSteps(shapes: number[][]): () => tf.Tensor[] {
  const init = shapes.map((s, i) => values(s, 10 + i));
  const grads = [0, 1, 2].map((step) => shapes.map((s, i) => values(s, 20 + 3 * step + i)));
  return () => {
    const params = shapes.map((s, i) => ({ name: `p${i}`, variable: tf.variable(tf.tensor(init[i] as number[], s)), lrMultiplier: i === 1 ? 0.5 : 1 }));
    const sgd = new Sgd(params, { momentum: 0.9, weightDecay: 5e-3 });
    for (const step of grads) {
      const named = Object.fromEntries(params.map((p, i) => [p.variable.name, tf.tensor(step[i] as number[], shapes[i])]));
      sgd.step(named, 0.1);
      tf.dispose(Object.values(named));
    }
    const out = [...params.map((p) => p.variable.clone()), ...sgd.state().map((s) => s.variable.clone())];
    sgd.dispose();
    tf.dispose(params.map((p) => p.variable));
    return out;
  };
}
