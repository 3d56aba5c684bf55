import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { conv2d, type Conv2DPad } from './conv2d.js';

interface Case {
  readonly x: [number, number, number, number];
  readonly kernel: number;
  readonly stride: number;
  readonly pad: Conv2DPad;
}

const cases: Case[] = [];
for (const [h, w] of [
  [5, 5],
  [6, 7],
]) {
  for (const kernel of [1, 3]) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid', 1] as const) cases.push({ x: [2, h, w, 3], kernel, stride, pad });
    }
  }
}

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => {
    const diff = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0];
    const scale = tf.max(tf.abs(expected)).dataSync()[0];
    return diff / Math.max(scale, 1e-12);
  });
}

type ConvFn = (x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: Conv2DPad) => tf.Tensor4D;

/** Value and gradients (x, filter) of Σ conv(x, w) ⊙ r, with a fixed random r to make every output matter. */
function valueAndGrads(conv: ConvFn, c: Case, seed: number): { y: tf.Tensor; dx: tf.Tensor; dw: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal([c.kernel, c.kernel, c.x[3], 4], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const y = conv(x, w, c.stride, c.pad);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 2);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)))([x, w]);
    return { y, dx, dw };
  });
}

const stock: ConvFn = (x, w, stride, pad) => tf.conv2d(x, w, stride, pad);

describe('conv2d on cpu', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of cases) {
    it(`matches tf.conv2d and its gradients: x [${c.x.join(',')}], ${c.kernel}×${c.kernel}, stride ${c.stride}, pad ${c.pad}`, () => {
      const ours = valueAndGrads(conv2d, c, 7);
      const ref = valueAndGrads(stock, c, 7);
      expect(ours.y.shape).toEqual(ref.y.shape);
      expect(relativeError(ours.y, ref.y)).toBeLessThan(1e-6);
      expect(relativeError(ours.dx, ref.dx)).toBeLessThan(1e-4);
      expect(relativeError(ours.dw, ref.dw)).toBeLessThan(1e-4);
      tf.dispose([ours.y, ours.dx, ours.dw, ref.y, ref.dx, ref.dw]);
    });
  }

  it('handles a padding wider than the kernel', () => {
    const c: Case = { x: [1, 4, 4, 2], kernel: 1, stride: 2, pad: 2 };
    const ours = valueAndGrads(conv2d, c, 3);
    const ref = valueAndGrads(stock, c, 3);
    expect(relativeError(ours.dx, ref.dx)).toBeLessThan(1e-4);
    expect(relativeError(ours.dw, ref.dw)).toBeLessThan(1e-4);
    tf.dispose([ours.y, ours.dx, ours.dw, ref.y, ref.dx, ref.dw]);
  });

  it('matches tfjs for a non-square kernel with same padding', () => {
    const x = tf.randomNormal([2, 5, 6, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([1, 3, 2, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    for (const stride of [1, 2]) {
      const loss = (conv: ConvFn) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same')));
      const ours = tf.grads(loss(conv2d))([x, w]);
      const ref = tf.grads(loss(stock))([x, w]);
      expect(relativeError(ours[0], ref[0])).toBeLessThan(1e-4);
      expect(relativeError(ours[1], ref[1])).toBeLessThan(1e-4);
      tf.dispose([...ours, ...ref]);
    }
    tf.dispose([x, w]);
  });

  it('refuses a numeric pad with a non-square kernel (tfjs would size the output wrongly)', () => {
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const w = tf.zeros([1, 3, 1, 1]) as tf.Tensor4D;
    expect(() => conv2d(x, w, 1, 1)).toThrow(/numeric pad needs a square kernel/);
    tf.dispose([x, w]);
  });

  it('leaks no tensors in forward or backward', () => {
    const x = tf.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const y = conv2d(x, w, 2, 'same');
    y.dispose();
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it('names the mismatch when channels disagree', () => {
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    expect(() => conv2d(x, w)).toThrow(/3 channels but the filter expects 2/);
    tf.dispose([x, w]);
  });
});

describe('conv2d on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('trains where the stock gradient is missing (Conv2DBackpropFilter) and agrees with cpu', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const stockGrad = () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1])]);
    expect(stockGrad).toThrow(/Conv2DBackpropFilter/);
    for (const c of [cases[9], cases[10], cases[20], { x: [3, 8, 8, 3], kernel: 3, stride: 2, pad: 'same' } as Case]) {
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const onWasm = valueAndGrads(conv2d, c, 11);
      const wasmValues = { y: onWasm.y.dataSync().slice(), dx: onWasm.dx.dataSync().slice(), dw: onWasm.dw.dataSync().slice() };
      tf.dispose([onWasm.y, onWasm.dx, onWasm.dw]);
      expect(tf.memory().numTensors).toBe(before);
      await tf.setBackend('cpu');
      const onCpu = valueAndGrads(stock, c, 11);
      for (const key of ['y', 'dx', 'dw'] as const) {
        const got = tf.tensor(wasmValues[key], onCpu[key].shape);
        expect(relativeError(got, onCpu[key])).toBeLessThan(1e-4);
        got.dispose();
      }
      tf.dispose([onCpu.y, onCpu.dx, onCpu.dw]);
    }
  });
});
