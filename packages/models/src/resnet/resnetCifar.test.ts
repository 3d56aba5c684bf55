import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend, type ModelParts } from '@lt/core';
import { resnetCifar } from './resnetCifar.js';
import { parameterCount } from '../parameterCount.js';
import { crossEntropy, datasetInfo, disposeParts, sgdStep, snapshot } from '../train.test-util.js';

const cifar10 = datasetInfo([32, 32, 3], 10);
const tiny = datasetInfo([8, 8, 3], 3);

describe('resnetCifar', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('has the backbone parameter counts of ALGORITHMS.md B1 (wide 7,383,616; standard 463,504)', () => {
    for (const [width, expected] of [
      ['wide', 7_383_616],
      ['standard', 463_504],
    ] as const) {
      const parts = resnetCifar({ depth: 32, width }).build({ info: cifar10, rng: createRng(0) });
      expect(parameterCount(parts.backbone)).toBe(expected);
      expect(parts.backbone.featureDim).toBe(width === 'wide' ? 256 : 64);
      expect(parameterCount(parts.head)).toBe(parts.backbone.featureDim * 10 + 10);
      disposeParts(parts);
    }
  });

  it('names variables hierarchically and separates BN buffers from parameters', () => {
    const spec = resnetCifar({ depth: 8 });
    expect(spec.name).toBe('resnet8-standard');
    expect(spec.options).toEqual({ depth: 8, width: 'standard' });
    const parts = spec.build({ info: tiny, rng: createRng(0) });
    const params = parts.backbone.parameters().map((p) => p.name);
    const buffers = parts.backbone.buffers().map((p) => p.name);
    expect(params.slice(0, 3)).toEqual(['backbone.conv1.weight', 'backbone.bn1.weight', 'backbone.bn1.bias']);
    expect(params).toContain('backbone.layer1.0.conv1.weight');
    expect(params).toContain('backbone.layer3.0.bn2.bias');
    expect(buffers).toContain('backbone.layer1.0.bn1.running_mean');
    expect(buffers).toContain('backbone.layer2.0.bn2.running_var');
    expect(buffers.every((name) => /running_(mean|var)$/.test(name))).toBe(true);
    expect(parts.head.parameters().map((p) => p.name)).toEqual(['head.weight', 'head.bias']);
    expect(parts.extras).toEqual({});
    expect(new Set([...params, ...buffers]).size).toBe(params.length + buffers.length);
    expect(parts.backbone.buffers().some((b) => b.variable.trainable)).toBe(false);
    expect(parts.backbone.parameters().every((p) => p.variable.trainable)).toBe(true);
    disposeParts(parts);
  });

  it('initialises convs Kaiming-normal and BatchNorm to γ = 1, β = 0', () => {
    const parts = resnetCifar({ depth: 8, width: 'wide' }).build({ info: cifar10, rng: createRng(5) });
    const conv = parts.backbone.parameters().find((p) => p.name === 'backbone.layer2.0.conv2.weight')!;
    const w = Array.from(conv.variable.dataSync());
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (9 * 128)), 3);
    const gamma = parts.backbone.parameters().find((p) => p.name === 'backbone.bn1.weight')!;
    const beta = parts.backbone.parameters().find((p) => p.name === 'backbone.bn1.bias')!;
    expect(Array.from(gamma.variable.dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(beta.variable.dataSync()).every((v) => v === 0)).toBe(true);
    disposeParts(parts);
  });

  it('leaves no tensors behind once its variables are disposed', () => {
    const before = tf.memory().numTensors;
    disposeParts(resnetCifar({ depth: 8 }).build({ info: tiny, rng: createRng(0) }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds identical weights from the same seed', () => {
    const spec = resnetCifar({ depth: 8 });
    const a = spec.build({ info: tiny, rng: createRng(42) });
    const b = spec.build({ info: tiny, rng: createRng(42) });
    const c = spec.build({ info: tiny, rng: createRng(43) });
    const [sa, sb, sc] = [snapshot(a), snapshot(b), snapshot(c)];
    for (const [name, values] of sa) expect(sb.get(name)).toEqual(values);
    expect(sc.get('backbone.conv1.weight')).not.toEqual(sa.get('backbone.conv1.weight'));
    [a, b, c].forEach(disposeParts);
  });

  describe('training (depth 8, 8×8 images)', () => {
    let parts: ModelParts;
    let x: tf.Tensor4D;
    let labels: tf.Tensor1D;

    beforeAll(() => {
      parts = resnetCifar({ depth: 8 }).build({ info: tiny, rng: createRng(1) });
      x = tf.randomNormal([6, 8, 8, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
      labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    });

    it('produces features [B, D] and logits [B, C], halving the resolution twice', () => {
      const features = parts.backbone.apply(x, 'eval');
      const logits = parts.head.apply(features);
      expect(features.shape).toEqual([6, 64]);
      expect(logits.shape).toEqual([6, 3]);
      expect(Math.min(...features.dataSync())).toBeGreaterThanOrEqual(0);
      tf.dispose([features, logits]);
    });

    it('reduces the loss over a few SGD steps without leaking tensors', () => {
      const losses = [sgdStep(parts, x, labels, 0.05)];
      const tensorsAfterFirstStep = tf.memory().numTensors;
      for (let i = 0; i < 4; i++) {
        losses.push(sgdStep(parts, x, labels, 0.05));
        expect(tf.memory().numTensors).toBe(tensorsAfterFirstStep);
      }
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    });

    it('moves the running statistics in train mode so eval differs from train', () => {
      const before = snapshot(parts).get('backbone.bn1.running_mean')!;
      const trainLoss = crossEntropy(parts, x, labels, 'train');
      const after = snapshot(parts).get('backbone.bn1.running_mean')!;
      expect(after).not.toEqual(before);
      const evalFeatures = parts.backbone.apply(x, 'eval');
      const unchanged = snapshot(parts).get('backbone.bn1.running_mean')!;
      expect(unchanged).toEqual(after);
      const trainFeatures = parts.backbone.apply(x, 'train');
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(evalFeatures, trainFeatures))).dataSync()[0]);
      expect(gap).toBeGreaterThan(1e-3);
      tf.dispose([trainLoss, evalFeatures, trainFeatures]);
    });
  });

  it('rejects unknown depths, widths and option names', () => {
    expect(() => resnetCifar({ depth: 44 as 32 })).toThrow(/depth must be 8, 20, 32 or 56, got 44/);
    expect(() => resnetCifar({ width: 'narrow' as 'wide' })).toThrow(/width/);
    expect(() => resnetCifar({ dept: 32 } as never)).toThrow(/unknown option 'dept'/);
  });
});
