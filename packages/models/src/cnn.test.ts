import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lt/core';
import { cnn } from './cnn.js';
import { parameterCount } from './parameterCount.js';
import { crossEntropy, datasetInfo, disposeParts, sgdStep, snapshot } from './train.test-util.js';

const mnist = datasetInfo([28, 28, 1], 10);
const tiny = datasetInfo([8, 8, 1], 3);

describe('cnn', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('maps 28×28×1 images to 128 features and 10 logits with stable names', () => {
    const spec = cnn();
    expect(spec.name).toBe('cnn');
    expect(spec.options).toEqual({ channels: [16, 32, 64], hidden: 128 });
    const parts = spec.build({ info: mnist, rng: createRng(0) });
    expect(parts.backbone.parameters().map((p) => p.name)).toEqual([
      'backbone.conv1.weight',
      'backbone.bn1.weight',
      'backbone.bn1.bias',
      'backbone.conv2.weight',
      'backbone.bn2.weight',
      'backbone.bn2.bias',
      'backbone.conv3.weight',
      'backbone.bn3.weight',
      'backbone.bn3.bias',
      'backbone.fc.weight',
      'backbone.fc.bias',
    ]);
    expect(parts.backbone.buffers().map((p) => p.name)).toContain('backbone.bn3.running_var');
    expect(parameterCount(parts.backbone)).toBe(9 * 16 + 9 * 16 * 32 + 9 * 32 * 64 + 2 * (16 + 32 + 64) + 7 * 7 * 64 * 128 + 128);
    const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    const features = parts.backbone.apply(x, 'eval');
    const logits = parts.head.apply(features);
    expect(features.shape).toEqual([2, 128]);
    expect(logits.shape).toEqual([2, 10]);
    tf.dispose([x, features, logits]);
    disposeParts(parts);
  });

  it('takes custom channel and hidden widths and validates them', () => {
    const parts = cnn({ channels: [4, 8], hidden: 6 }).build({ info: tiny, rng: createRng(0) });
    expect(parts.backbone.featureDim).toBe(6);
    // 8×8 → 8×8 (stride 1) → 4×4 (stride 2): the dense layer sees 4·4·8 inputs.
    expect(parts.backbone.parameters().find((p) => p.name === 'backbone.fc.weight')?.variable.shape).toEqual([6, 128]);
    disposeParts(parts);
    expect(() => cnn({ hidden: 0 })).toThrow(/hidden/);
    expect(() => cnn({ channels: [] })).toThrow(/channels must be a non-empty list/);
    expect(() => cnn({ channels: [4, 2.5] })).toThrow(/channels/);
  });

  it('builds identical weights from the same seed', () => {
    const a = snapshot(cnn().build({ info: mnist, rng: createRng(7) }));
    const b = snapshot(cnn().build({ info: mnist, rng: createRng(7) }));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, values] of a) expect(b.get(name)).toEqual(values);
  });

  it('reduces the loss over SGD steps on cpu with a flat tensor count; eval differs from train afterwards', () => {
    const parts = cnn({ channels: [4, 8] }).build({ info: tiny, rng: createRng(2) });
    const x = tf.randomNormal([6, 8, 8, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const losses = [sgdStep(parts, x, labels, 0.1)];
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) losses.push(sgdStep(parts, x, labels, 0.1));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(losses[5]).toBeLessThan(losses[0]);
    const evalLoss = crossEntropy(parts, x, labels, 'eval');
    const trainLoss = crossEntropy(parts, x, labels, 'train');
    expect(Math.abs(evalLoss.dataSync()[0] - trainLoss.dataSync()[0])).toBeGreaterThan(1e-4);
    tf.dispose([x, labels, evalLoss, trainLoss]);
    disposeParts(parts);
  });

  describe('on wasm', () => {
    beforeAll(async () => {
      await selectBackend('wasm');
    });
    afterAll(async () => {
      await selectBackend('cpu');
    });

    it('trains a batch of 8 MNIST-sized images (conv nets train on wasm)', () => {
      expect(tf.getBackend()).toBe('wasm');
      const parts = cnn().build({ info: mnist, rng: createRng(3) });
      const x = tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
      const losses = [sgdStep(parts, x, labels, 0.1)];
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) losses.push(sgdStep(parts, x, labels, 0.1));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[3]).toBeLessThan(losses[0]);
      tf.dispose([x, labels]);
      disposeParts(parts);
    });
  });
});
