import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { expectClose, readReferenceVectors, take } from '../../../test/support/vectors.js';
import { tauNormalize } from './tauNormalize.js';

interface TauCase {
  shape: [number, number];
  tau: number;
  weight: number[];
  out: number[];
  upstream: number[];
  grad_weight: number[];
}
const { tau_norm: cases } = readReferenceVectors<{ tau_norm: TauCase[] }>('baselines.json');

describe.each(['cpu', 'wasm'] as const)('tauNormalize on %s', (backend) => {
  it.each(cases.map((c) => [c.shape.join('×'), c.tau, c] as const))('matches the reference value and gradient (%s, τ %s)', async (_s, _t, c) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    const weight = tf.tensor2d(c.weight, c.shape);
    const upstream = tf.tensor2d(c.upstream, c.shape);
    expectClose(take(tauNormalize(weight, c.tau)), c.out);
    const grad = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tauNormalize(w as tf.Tensor2D, c.tau), upstream)))(weight);
    expectClose(take(grad), c.grad_weight);
    tf.dispose([weight, upstream]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
