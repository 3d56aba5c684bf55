import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../index.js';
import { conv2d } from './conv2d.js';
import { batchNorm, type BatchNormParams } from './batchNorm.js';
import { relu } from './relu.js';
import { variableGrads } from './variableGrads.js';

let counter = 0;
const variable = (shape: number[], seed: number, trainable = true) =>
  tf.variable(tf.randomNormal(shape, 0, 0.3, 'float32', seed), trainable, `vg-test-${counter++}`);

/** A small conv → BN → ReLU stack whose loss depends on every variable; returns the loss function and variables. */
function network(depth: number) {
  const x = tf.randomNormal([4, 9, 9, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
  const weights = Array.from({ length: depth }, (_, i) => variable([3, 3, 4, 4], 10 + i));
  const norms: BatchNormParams[] = weights.map((_, i) => ({
    gamma: tf.variable(tf.ones([4]), true, `vg-test-${counter++}`),
    beta: variable([4], 30 + i),
    runningMean: tf.variable(tf.zeros([4]), false, `vg-test-${counter++}`),
    runningVar: tf.variable(tf.ones([4]), false, `vg-test-${counter++}`),
  }));
  const loss = () =>
    tf.tidy(() => {
      let out = x;
      // One tidy per layer, as the models do: what outlives a layer is what its gradient saved.
      weights.forEach((w, i) => {
        const input = out;
        out = tf.tidy(() => relu(batchNorm(conv2d(input, w as tf.Variable<tf.Rank.R4>, 1, 1), norms[i], { mode: 'train' })));
      });
      return tf.mean(tf.square(out)) as tf.Scalar;
    });
  const trainable = [...weights, ...norms.flatMap((n) => [n.gamma, n.beta])];
  const dispose = () => tf.dispose([x, ...trainable, ...norms.flatMap((n) => [n.runningMean, n.runningVar])]);
  return { loss, trainable, dispose };
}

const arrays = (grads: tf.NamedTensorMap) => Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, Array.from(g.dataSync())]));

describe('variableGrads', () => {
  afterEach(async () => {
    await selectBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`gives tf.variableGrads's value and gradients, and leaves no tensor behind (${backend})`, async () => {
      await selectBackend(backend);
      const net = network(3);
      const before = tf.memory().numTensors;
      const ours = variableGrads(net.loss, net.trainable);
      const oursValues = { value: ours.value.dataSync()[0], grads: arrays(ours.grads) };
      tf.dispose([ours.value, ...Object.values(ours.grads)]);
      expect(tf.memory().numTensors).toBe(before);
      const theirs = tf.variableGrads(net.loss, net.trainable);
      expect(oursValues.value).toBeCloseTo(theirs.value.dataSync()[0], 5);
      const expected = arrays(theirs.grads);
      expect(Object.keys(oursValues.grads).sort()).toEqual(Object.keys(expected).sort());
      for (const [name, values] of Object.entries(expected)) {
        values.forEach((v, i) => expect(oursValues.grads[name][i]).toBeCloseTo(v, 5));
      }
      tf.dispose([theirs.value, ...Object.values(theirs.grads)]);
      net.dispose();
    });
  }

  it('needs less memory at its peak than tf.variableGrads on a deep stack', async () => {
    await selectBackend('cpu');
    const net = network(8);
    const peak = async (grad: typeof variableGrads) => {
      const info = await tf.profile(() => {
        const { value, grads } = grad(net.loss, net.trainable);
        tf.dispose([value, ...Object.values(grads)]);
        return [] as tf.Tensor[];
      });
      return info.peakBytes;
    };
    const ours = await peak(variableGrads);
    const theirs = await peak((f, vars) => tf.variableGrads(f, [...vars]));
    expect(ours).toBeLessThan(0.7 * theirs);
    net.dispose();
  });

  it('copes with a gradient function that passes one dy to several inputs unchanged', async () => {
    await selectBackend('cpu');
    const a = variable([5], 1);
    const b = variable([5], 2);
    // d(a + b)/da = d(a + b)/db = dy: the same tensor object for both inputs and for the node's own output.
    const passThrough = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [p, q] = args as tf.Tensor[];
      return { value: tf.add(p, q), gradFunc: (dy: tf.Tensor) => [dy, dy] };
    });
    const loss = () => tf.sum(tf.mul(passThrough(tf.mul(a, 2), b), tf.range(0, 5))) as tf.Scalar;
    const { value, grads } = variableGrads(loss, [a, b]);
    expect(Array.from(grads[a.name].dataSync())).toEqual([0, 2, 4, 6, 8]);
    expect(Array.from(grads[b.name].dataSync())).toEqual([0, 1, 2, 3, 4]);
    tf.dispose([value, a, b, ...Object.values(grads)]);
  });

  it('defers to tf.variableGrads inside another gradient (second derivatives)', async () => {
    await selectBackend('cpu');
    const w = variable([3], 3);
    // d/dx of dL/dw with L = Σ (w·x)² is 2·(w·x)·w + 2·(w·x)·w… checked against tf.grad of tf.grad.
    const x = tf.tensor1d([0.5, -1, 2]);
    const outer = tf.grad((input: tf.Tensor) => {
      const { value, grads } = variableGrads(() => tf.sum(tf.square(tf.mul(w, input))) as tf.Scalar, [w]);
      value.dispose();
      return tf.sum(grads[w.name]);
    })(x);
    const expected = tf.grad((input: tf.Tensor) => tf.sum(tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.mul(v, input))))(w)))(x);
    Array.from(expected.dataSync()).forEach((v, i) => expect(outer.dataSync()[i]).toBeCloseTo(v, 5));
    tf.dispose([w, x, outer, expected]);
  });

  it('names the problem: a non-scalar loss, no trainable variable, a loss that ignores the variables', async () => {
    await selectBackend('cpu');
    const w = variable([2], 4);
    const frozen = variable([2], 5, false);
    const before = tf.memory().numTensors;
    expect(() => variableGrads(() => tf.mul(w, 2) as unknown as tf.Scalar, [w])).toThrow(/must return a scalar, got rank 1/);
    expect(() => variableGrads(() => tf.sum(frozen) as tf.Scalar, [frozen])).toThrow(/none of the 1 variables is trainable/);
    expect(() => variableGrads(() => tf.scalar(1), [w])).toThrow(/no variable is connected to the loss/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, frozen]);
  });
});
