import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@lt/core';
import { pava } from './pava.js';
import { pavaTensor } from './pavaTensor.js';
import { backends, expectClose, reference, take, uniform, useBackend } from './reference.fixture.js';

/** d/dx Σ upstream·pavaTensor(x, w), through tf.grad. */
function pavaGrad(x: number[], upstream: number[], weights?: number[]): number[] {
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(pavaTensor(v as tf.Tensor1D, weights), tf.tensor1d(upstream))));
  return take(g(tf.tensor1d(x)));
}

describe.each(backends)('pavaTensor on %s', (backend) => {
  it('matches every reference case: fit and block-averaged gradient', async () => {
    await useBackend(backend);
    for (const c of reference.pava) {
      expectClose(take(pavaTensor(tf.tensor1d(c.y))), c.z);
      expectClose(pavaGrad(c.y, c.upstream), c.grad);
    }
  });

  it('averages the upstream gradient within each pooled block (ALGORITHMS.md I.6)', async () => {
    await useBackend(backend);
    expectClose(pavaGrad([1, 3, 2, 4], [1, 2, 3, 4]), [1, 2.5, 2.5, 4]);
    // Two tied blocks of value 3 stay separate: the tied entries do not all get the same gradient.
    expectClose(pavaGrad([1, 5, 2, 2, 6, 0, 7], [1, 2, 3, 4, 5, 6, 7]), [1, 3, 3, 3, 5.5, 5.5, 7]);
  });

  it('splits a block gradient by w_j / W_B when weighted', async () => {
    await useBackend(backend);
    expectClose(take(pavaTensor(tf.tensor1d([4, 2, 1, 5]), [2, 1, 1, 1])), [2.75, 2.75, 2.75, 5]);
    // Block {0,1,2} (W = 4) collects 1 + 2 + 3 = 6: shares 6·2/4, 6·1/4, 6·1/4.
    expectClose(pavaGrad([4, 2, 1, 5], [1, 2, 3, 4], [2, 1, 1, 1]), [3, 1.5, 1.5, 4]);
  });

  it('agrees with central finite differences of the float64 fit', async () => {
    await useBackend(backend);
    const random = uniform(3);
    for (let trial = 0; trial < 10; trial++) {
      const n = 2 + trial;
      const x = Array.from({ length: n }, () => random() * 4 - 2);
      const weights = Array.from({ length: n }, () => 0.5 + random());
      const upstream = Array.from({ length: n }, () => random() * 2 - 1);
      const objective = (v: number[]) => pava(v, weights).values.reduce((s, z, i) => s + z * upstream[i], 0);
      const eps = 1e-6;
      const numeric = x.map((_, j) => {
        const plus = [...x];
        const minus = [...x];
        plus[j] += eps;
        minus[j] -= eps;
        return (objective(plus) - objective(minus)) / (2 * eps);
      });
      expectClose(pavaGrad(x, upstream, weights), numeric, 1e-5);
    }
  });

  it('chains with other ops and leaves no tensors behind', async () => {
    await useBackend(backend);
    const x = tf.tensor1d([0.3, -0.2, 0.9, 0.1]);
    const f = (v: tf.Tensor) => tf.sum(tf.square(tf.softplus(pavaTensor(v as tf.Tensor1D))));
    take(tf.grad(f)(x));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const { value, grad } = tf.valueAndGrad(f)(x);
      tf.dispose([value, grad]);
      take(pavaTensor(x));
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects NaN input naming the index, and a weight-length mismatch', async () => {
    await useBackend(backend);
    const bad = tf.tensor1d([0, NaN, 1]);
    expect(() => pavaTensor(bad)).toThrow(/pavaTensor input\[1\] is NaN/);
    const ok = tf.tensor1d([1, 2]);
    expect(() => pavaTensor(ok, [1])).toThrow(/weights have length 1/);
    tf.dispose([bad, ok]);
  });
});
