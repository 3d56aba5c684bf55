import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lt/core';
import { mlp } from './mlp.js';
import { parameterCount } from './parameterCount.js';
import { datasetInfo, disposeParts, sgdStep, snapshot } from './train.test-util.js';

const tiny = datasetInfo([4, 4, 1], 3);

describe('mlp', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('flattens, applies Dense → ReLU layers and exposes the last width as features', () => {
    const spec = mlp({ hidden: [12, 5] });
    expect(spec.name).toBe('mlp');
    expect(spec.options).toEqual({ hidden: [12, 5] });
    const parts = spec.build({ info: tiny, rng: createRng(0) });
    expect(parts.backbone.featureDim).toBe(5);
    expect(parts.backbone.parameters().map((p) => p.name)).toEqual([
      'backbone.fc1.weight',
      'backbone.fc1.bias',
      'backbone.fc2.weight',
      'backbone.fc2.bias',
    ]);
    expect(parts.backbone.parameters()[0].variable.shape).toEqual([12, 16]);
    expect(parameterCount(parts.backbone)).toBe(16 * 12 + 12 + 12 * 5 + 5);
    const x = tf.randomNormal([3, 4, 4, 1]) as tf.Tensor4D;
    const features = parts.backbone.apply(x, 'train');
    expect(features.shape).toEqual([3, 5]);
    expect(Math.min(...features.dataSync())).toBeGreaterThanOrEqual(0);
    expect(parts.head.apply(features).shape).toEqual([3, 3]);
    tf.dispose([x, features]);
    disposeParts(parts);
  });

  it('defaults to one hidden layer of 256', () => {
    expect(mlp().options).toEqual({ hidden: [256] });
    const parts = mlp().build({ info: tiny, rng: createRng(0) });
    expect(parts.backbone.featureDim).toBe(256);
    disposeParts(parts);
  });

  it('is deterministic under the seed and learns with SGD without leaking', () => {
    const a = mlp({ hidden: [8] }).build({ info: tiny, rng: createRng(9) });
    const b = snapshot(mlp({ hidden: [8] }).build({ info: tiny, rng: createRng(9) }));
    for (const [name, values] of snapshot(a)) expect(b.get(name)).toEqual(values);
    const x = tf.randomNormal([6, 4, 4, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const first = sgdStep(a, x, labels, 0.1);
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 10; i++) last = sgdStep(a, x, labels, 0.1);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(last).toBeLessThan(first);
    tf.dispose([x, labels]);
    disposeParts(a);
  });

  it('rejects bad hidden widths', () => {
    expect(() => mlp({ hidden: [0] })).toThrow(/hidden must be a list of positive integers/);
  });
});
