import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
// The package entry registers every tfjs-core gradient, as a user's import of @lt/core does.
import { selectBackend } from '../../index.js';
import { expectClose, onBoth } from './parity.test-util.js';

describe('wasm training kernels', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  const cases: Array<[string, number[], number[], 1 | 2, 'same' | 'valid' | number]> = [
    ['3×3 stride 1 same', [2, 6, 6, 3], [3, 3, 3, 4], 1, 'same'],
    ['3×3 stride 2 same, odd size', [2, 7, 7, 2], [3, 3, 2, 5], 2, 'same'],
    ['3×3 stride 2 explicit pad 1, even size', [1, 8, 8, 3], [3, 3, 3, 2], 2, 1],
    ['3×3 stride 2 valid', [2, 9, 8, 2], [3, 3, 2, 3], 2, 'valid'],
    ['1×1 stride 2', [2, 6, 6, 4], [1, 1, 4, 8], 2, 'same'],
  ];
  it.each(cases)('Conv2DBackpropFilter (tf.conv2d gradients) matches cpu: %s', async (_name, xShape, wShape, stride, pad) => {
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 1);
    const w = tf.randomNormal(wShape, 0, 1, 'float32', 2);
    const { cpu, wasm } = await onBoth(() => {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))),
      )([x, w]);
      return grads;
    });
    expectClose(wasm, cpu);
    tf.dispose([x, w]);
  });

  it('UnsortedSegmentSum (tf.gather gradients) matches cpu, including repeated indices', async () => {
    const table = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const upstream = tf.randomNormal([6, 3], 0, 1, 'float32', 4);
    const { cpu, wasm } = await onBoth(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d([4, 0, 4, 2, 2, 2], 'int32')), upstream)))(table),
    );
    expectClose(wasm, cpu);
    expect(wasm[0].slice(3, 6)).toEqual([0, 0, 0]);
    tf.dispose([table, upstream]);
  });

  it('leaves no intermediate tensors behind', async () => {
    await selectBackend('wasm');
    const x = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 5);
    const w = tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 6);
    const run = () => tf.tidy(() => tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))(w)).dispose();
    run();
    const before = tf.memory();
    run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([x, w]);
  });
});
