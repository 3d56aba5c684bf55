import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assignWeights, createRng, modelVariables, readCheckpoint, saveCheckpoint, selectBackend, type ModelParts, type ModelSpec } from '@lt/core';
import { resnet10, resnet50, resnext50 } from './imageNetModels.js';
import { parameterCount } from '../parameterCount.js';
import { crossEntropy, datasetInfo, disposeParts, sgdStep } from '../train.test-util.js';

const imagenet = datasetInfo([224, 224, 3], 1000);
const small = datasetInfo([32, 32, 3], 5);

/** Tiny variants with every structural feature of the full nets (stem, max-pool, projections, groups). */
const tiny: Record<string, () => ModelSpec> = {
  resnet10: () => resnet10({ width: 8 }),
  resnet50: () => resnet50({ width: 4 }),
  resnext50: () => resnext50({ width: 8, groups: 2, widthPerGroup: 16 }),
};

function variable(parts: ModelParts, name: string): tf.Variable {
  const found = modelVariables(parts).find((v) => v.name === name);
  if (found === undefined) throw new Error(`no variable ${name}`);
  return found.variable;
}

function std(v: tf.Tensor): number {
  const values = v.dataSync();
  let sum = 0;
  for (const value of values) sum += value * value;
  return Math.sqrt(sum / values.length);
}

describe('ImageNet ResNets', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('have the reference parameter counts with 1,000 classes (ResNeXt-50 25,028,904; ResNet-50 25,557,032; ResNet-10 5,418,792) and map 2×64×64×3 to [2, D] on wasm', async () => {
    await selectBackend('wasm');
    for (const [spec, total, featureDim] of [
      [resnext50(), 25_028_904, 2048],
      [resnet50(), 25_557_032, 2048],
      [resnet10(), 5_418_792, 512],
    ] as const) {
      const parts = spec.build({ info: imagenet, rng: createRng(0) });
      expect(parts.backbone.featureDim).toBe(featureDim);
      expect(parameterCount(parts.backbone) + parameterCount(parts.head)).toBe(total);
      expect(parameterCount(parts.head)).toBe(featureDim * 1000 + 1000);
      // The same net at 64 px (global average pool): features [2, D], logits [2, 1000].
      const features = tf.tidy(() => parts.backbone.apply(tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D, 'eval'));
      const logits = parts.head.apply(features);
      expect(features.shape).toEqual([2, featureDim]);
      expect(logits.shape).toEqual([2, 1000]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([features, logits]);
      if (spec.name === 'resnext50') {
        // Grouped 3×3 weights hold cin/groups input channels; Kaiming fan-out std √(2/(k·k·cout)) (B2).
        expect(variable(parts, 'backbone.layer1.0.conv2.weight').shape).toEqual([3, 3, 4, 128]);
        expect(variable(parts, 'backbone.layer4.0.conv2.weight').shape).toEqual([3, 3, 32, 1024]);
        expect(std(variable(parts, 'backbone.layer3.0.conv2.weight'))).toBeCloseTo(Math.sqrt(2 / (9 * 512)), 3);
        expect(std(variable(parts, 'backbone.conv1.weight'))).toBeCloseTo(Math.sqrt(2 / (49 * 64)), 3);
        expect(std(variable(parts, 'backbone.layer2.0.downsample.0.weight'))).toBeCloseTo(Math.sqrt(2 / 512), 3);
        expect(Array.from(variable(parts, 'backbone.layer2.1.bn3.weight').dataSync()).every((v) => v === 1)).toBe(true);
        expect(Array.from(variable(parts, 'backbone.layer2.1.bn3.bias').dataSync()).every((v) => v === 0)).toBe(true);
      }
      disposeParts(parts);
    }
    await selectBackend('cpu');
  });

  it('use PyTorch state-dict names, with a projection only where the shape changes', () => {
    const names = (spec: ModelSpec) => {
      const parts = spec.build({ info: small, rng: createRng(0) });
      const out = modelVariables(parts).map((v) => v.name);
      disposeParts(parts);
      return out;
    };
    const r10 = names(tiny.resnet10());
    expect(r10.slice(0, 3)).toEqual(['backbone.conv1.weight', 'backbone.bn1.weight', 'backbone.bn1.bias']);
    expect(r10).not.toContain('backbone.layer1.0.downsample.0.weight');
    expect(r10).toContain('backbone.layer2.0.downsample.0.weight');
    expect(r10).toContain('backbone.layer4.0.downsample.1.running_var');
    const rx = names(tiny.resnext50());
    expect(rx).toContain('backbone.layer1.0.downsample.0.weight');
    expect(rx).not.toContain('backbone.layer1.1.downsample.0.weight');
    expect(rx).toContain('backbone.layer3.5.conv3.weight');
    expect(rx).not.toContain('backbone.layer3.6.conv1.weight');
    expect(rx.slice(-2)).toEqual(['head.weight', 'head.bias']);
    expect(new Set(rx).size).toBe(rx.length);
  });

  it('record their options and reject bad ones by name', () => {
    expect(resnext50().options).toEqual({ width: 64, groups: 32, widthPerGroup: 4 });
    expect(resnet50().options).toEqual({ width: 64 });
    expect([resnet10().name, resnet50().name, resnext50().name]).toEqual(['resnet10', 'resnet50', 'resnext50']);
    expect(() => resnet10({ depth: 10 } as never)).toThrow(/resnet10: unknown option 'depth'/);
    expect(() => resnet50({ width: 0 })).toThrow(/resnet50: width/);
    expect(() => resnext50({ groups: 2.5 })).toThrow(/resnext50: groups/);
    expect(() => resnext50({ width: 8 })).toThrow(/width 8 × widthPerGroup 4 must be at least 64/);
  });

  it('match finite differences along a random direction (tiny ResNeXt, eval mode)', () => {
    const parts = tiny.resnext50().build({ info: small, rng: createRng(3) });
    const x = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 3, 4, 1], 'int32');
    const params = [...parts.backbone.parameters(), ...parts.head.parameters()].map((p) => p.variable);
    // Eval mode: with tiny widths, train-mode BatchNorm over few, mostly-zero ReLU outputs amplifies float32
    // rounding past what a finite difference can resolve (the BN gradient has its own check in @lt/core).
    const { value, grads } = tf.variableGrads(() => crossEntropy(parts, x, labels, 'eval'), params);
    // Each parameter moves in proportion to its own scale (BN γ = 1, conv weights ~0.1).
    const directions = params.map((p, i) => tf.tidy(() => tf.mul(tf.randomNormal(p.shape, 0, 1, 'float32', 100 + i), tf.add(tf.abs(p), 0.01))));
    const analytic = tf.tidy(() => directions.reduce((sum, d, i) => sum + tf.sum(tf.mul(grads[params[i].name], d)).dataSync()[0], 0));
    const originals = params.map((p) => tf.clone(p));
    const eps = 1e-4;
    const lossAt = (t: number): number => {
      params.forEach((p, i) => p.assign(tf.tidy(() => tf.add(originals[i], tf.mul(directions[i], t)))));
      return tf.tidy(() => crossEntropy(parts, x, labels, 'eval').dataSync()[0]);
    };
    const numeric = (lossAt(eps) - lossAt(-eps)) / (2 * eps);
    expect(Math.abs(analytic)).toBeGreaterThan(1e-2);
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.abs(analytic));
    tf.dispose([x, labels, value, ...Object.values(grads), ...directions, ...originals]);
    disposeParts(parts);
  });

  it('survive a checkpoint round trip into a differently seeded model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-resnext-'));
    const a = tiny.resnext50().build({ info: small, rng: createRng(1) });
    const b = tiny.resnext50().build({ info: small, rng: createRng(2) });
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const labels = tf.tensor1d([1, 2], 'int32');
    sgdStep(a, x, labels, 0.1); // moves weights and running statistics away from init
    await saveCheckpoint(join(dir, 'ckpt'), modelVariables(a), { model: 'resnext50' }, {});
    const { weights } = await readCheckpoint(join(dir, 'ckpt'));
    assignWeights(modelVariables(b), weights, 'ckpt');
    const [ya, yb] = [a, b].map((parts) => tf.tidy(() => parts.head.apply(parts.backbone.apply(x, 'eval'))));
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    tf.dispose([x, labels, ya, yb, ...Object.values(weights)]);
    [a, b].forEach(disposeParts);
    await rm(dir, { recursive: true, force: true });
  });

  describe('on wasm', () => {
    beforeAll(async () => {
      await selectBackend('wasm');
    });
    afterAll(async () => {
      await selectBackend('cpu');
    });

    it.each(Object.keys(tiny))('tiny %s: a gradient reaches every parameter, no tensor leaks', (name) => {
      const parts = tiny[name]().build({ info: small, rng: createRng(0) });
      const x = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 4], 'int32');
      const params = [...parts.backbone.parameters(), ...parts.head.parameters()];
      const before = tf.memory().numTensors;
      const largest = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => crossEntropy(parts, x, labels, 'train'), params.map((p) => p.variable));
        return params.map((p) => tf.max(tf.abs(grads[p.variable.name])).dataSync()[0]);
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(params.filter((_, i) => !(largest[i] > 0 && Number.isFinite(largest[i]))).map((p) => p.name)).toEqual([]);
      tf.dispose([x, labels]);
      disposeParts(parts);
    });

    it('run at 112 px too (global average pooling)', () => {
      const parts = resnet10().build({ info: datasetInfo([112, 112, 3], 3), rng: createRng(0) });
      const logits = tf.tidy(() => parts.head.apply(parts.backbone.apply(tf.zeros([1, 112, 112, 3]) as tf.Tensor4D, 'eval')));
      expect(logits.shape).toEqual([1, 3]);
      logits.dispose();
      disposeParts(parts);
    });

    // ResNeXt covers every op of the three (stem, max-pool, grouped bottlenecks, projections).
    it('tiny resnext50: a training step has the same loss on cpu and wasm (1e-4), and the same gradients', async () => {
      const runs: Record<string, { loss: number; grads: Map<string, Float32Array> }> = {};
      for (const backend of ['cpu', 'wasm'] as const) {
        await selectBackend(backend);
        const parts = tiny.resnext50().build({ info: small, rng: createRng(5) });
        const x = tf.randomNormal([6, 48, 48, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
        const labels = tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32');
        const params = [...parts.backbone.parameters(), ...parts.head.parameters()];
        // Gradients compared in eval mode: train-mode BatchNorm over the tiny nets' few, mostly-zero ReLU outputs
        // amplifies float32 rounding (differently summed on each backend) into gradients that differ by percents.
        const grads = tf.tidy(() => tf.variableGrads(() => crossEntropy(parts, x, labels, 'eval'), params.map((p) => p.variable)).grads);
        runs[backend] = {
          grads: new Map(params.map((p) => [p.name, grads[p.variable.name].dataSync() as Float32Array])),
          loss: sgdStep(parts, x, labels, 0.1),
        };
        tf.dispose([x, labels, ...Object.values(grads)]);
        disposeParts(parts);
      }
      expect(Math.abs(runs.wasm.loss - runs.cpu.loss)).toBeLessThan(1e-4);
      for (const [param, cpu] of runs.cpu.grads) {
        const wasm = runs.wasm.grads.get(param)!;
        const scale = Math.max(1e-6, ...cpu.map(Math.abs));
        const worst = Math.max(...cpu.map((v, i) => Math.abs(v - wasm[i])));
        expect(worst / scale, param).toBeLessThan(1e-3);
      }
    });
  });
});
