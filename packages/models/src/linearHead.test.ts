import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lt/core';
import { linearHead, linearHeadFrom } from './linearHead.js';

describe('linearHead', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('computes logits x·Wᵀ + b with W of shape [C, D]', () => {
    const head = linearHead({ name: 'head', featureDim: 3, numClasses: 2, rng: createRng(0) });
    head.weight.assign(tf.tensor2d([
      [1, 0, 2],
      [0, -1, 1],
    ]));
    head.bias.assign(tf.tensor1d([0.5, -0.5]));
    const logits = head.apply(tf.tensor2d([[1, 2, 3]]));
    expect(logits.shape).toEqual([1, 2]);
    expect(Array.from(logits.dataSync())).toEqual([7.5, 0.5]);
    expect(head.weightNorms().map((n) => Number(n.toFixed(5)))).toEqual([Number(Math.sqrt(5).toFixed(5)), Number(Math.sqrt(2).toFixed(5))]);
    logits.dispose();
  });

  it('names its variables after the module and records its config', () => {
    const head = linearHead({ name: 'head', featureDim: 8, numClasses: 5, rng: createRng(0) });
    expect(head.parameters().map((p) => p.name)).toEqual(['head.weight', 'head.bias']);
    expect(head.buffers()).toEqual([]);
    expect(head.weight.shape).toEqual([5, 8]);
    expect(head.bias.shape).toEqual([5]);
    expect(head.config).toEqual({ kind: 'linear', featureDim: 8, numClasses: 5 });
    expect(head.weight.trainable && head.bias.trainable).toBe(true);
  });

  it('initialises W with std √(2/D) and b uniformly within ±1/√D', () => {
    const featureDim = 100;
    const head = linearHead({ name: 'head', featureDim, numClasses: 200, rng: createRng(3) });
    const w = Array.from(head.weight.dataSync());
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeCloseTo(Math.sqrt(2 / featureDim), 2);
    const b = Array.from(head.bias.dataSync());
    const bound = 1 / Math.sqrt(featureDim);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...b) - Math.min(...b)).toBeGreaterThan(bound); // spread over the interval, not constant
  });

  it('gives identical weights for the same seed and different ones for another seed', () => {
    const make = (seed: number) => linearHead({ name: 'head', featureDim: 6, numClasses: 4, rng: createRng(seed) });
    const [a, b, c] = [make(1), make(1), make(2)];
    expect(Array.from(a.weight.dataSync())).toEqual(Array.from(b.weight.dataSync()));
    expect(Array.from(a.bias.dataSync())).toEqual(Array.from(b.bias.dataSync()));
    expect(Array.from(a.weight.dataSync())).not.toEqual(Array.from(c.weight.dataSync()));
  });

  it('holds given weights and biases, norms per row, and frees its variables', () => {
    const head = linearHeadFrom({ name: 'fc', weight: [[3, 4], [0, 1]], bias: [1, -1] });
    expect(head.parameters().map((p) => p.name)).toEqual(['fc.weight', 'fc.bias']);
    expect(head.weightNorms()).toEqual([5, 1]);
    const x = tf.tensor2d([[1, 1]]);
    const logits = head.apply(x);
    expect(Array.from(logits.dataSync())).toEqual([8, 0]);
    tf.dispose([x, logits]);
    const before = tf.memory().numTensors;
    head.dispose();
    expect(tf.memory().numTensors).toBe(before - 2);
    expect(() => linearHeadFrom({ name: 'fc', weight: [[1]], bias: [1, 2] })).toThrow(/1 weight rows but 2 biases/);
  });

  it('rejects a non-positive size with an error naming the field', () => {
    expect(() => linearHead({ name: 'head', featureDim: 0, numClasses: 3, rng: createRng(0) })).toThrow(/featureDim/);
  });
});
