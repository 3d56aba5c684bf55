import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmBackend } from '../backend.js';
import { expectClose, onBoth } from '../../../../test/support/wasmParity.js';

describe('wasm training kernels', () => {
  beforeAll(async () => {
    await setWasmBackend();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
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

  const poolCases: Array<[string, number[], number, number, 'same' | 'valid' | number]> = [
    ['3×3/2 pad 1, odd size, 3 channels (ResNet stem)', [2, 7, 7, 3], 3, 2, 1],
    ['3×3/2 pad 1, even size', [2, 8, 8, 5], 3, 2, 1],
    ['3×3/1 same', [1, 5, 6, 2], 3, 1, 'same'],
    ['2×2/2 valid', [2, 6, 6, 3], 2, 2, 'valid'],
  ];
  it.each(poolCases)('MaxPoolGrad (tf.maxPool gradients) matches cpu: %s', async (_name, shape, size, stride, pad) => {
    // ReLU makes ties (zeros), where the first maximum in the window must take the gradient, as on cpu.
    const x = tf.tidy(() => tf.relu(tf.randomNormal(shape, 0, 1, 'float32', 7)));
    const { cpu, wasm } = await onBoth(() =>
      tf.grad((a: tf.Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, size, stride, pad);
        return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 8)));
      })(x),
    );
    expectClose(wasm, cpu);
    expect(cpu[0].some((v) => v !== 0)).toBe(true);
    x.dispose();
  });

  it('leaves no intermediate tensors behind', async () => {
    await setWasmBackend();
    const x = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 5);
    const w = tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 6);
    const run = () => {
      tf.tidy(() => tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))(w)).dispose();
      tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 3, 2, 1)))(x)).dispose();
    };
    run();
    const before = tf.memory();
    // Kernel intermediates are backend buffers, not engine tensors: count the backend's own data too.
    const buffersBefore = tf.engine().backend.numDataIds();
    run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    tf.dispose([x, w]);
  });
});
