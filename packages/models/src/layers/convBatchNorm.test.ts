import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, relu, selectBackend, withInferenceCache } from '@lt/core';
import { ConvLayer } from './conv.js';
import { BatchNormLayer } from './batchNorm.js';
import { convBatchNorm } from './convBatchNorm.js';
import { resnetCifar } from '../resnet/resnetCifar.js';
import { datasetInfo, disposeParts } from '../train.test-util.js';

/** Non-trivial running statistics and affine parameters, so a wrong fold shows. */
function randomiseBatchNorm(bn: BatchNormLayer, seed: number): void {
  const c = bn.options.channels;
  bn.gamma.variable.assign(tf.randomUniform([c], 0.5, 1.5, 'float32', seed));
  bn.beta.variable.assign(tf.randomUniform([c], -0.5, 0.5, 'float32', seed + 1));
  bn.runningMean.variable.assign(tf.randomUniform([c], -0.3, 0.3, 'float32', seed + 2));
  bn.runningVar.variable.assign(tf.randomUniform([c], 0.5, 2, 'float32', seed + 3));
}

/** `f`'s result computed while a gradient tape records, i.e. on the unfolded path. */
function taped(f: () => tf.Tensor, anchor: tf.Tensor): number[] {
  let out: number[] = [];
  tf.tidy(() => {
    tf.grad((x: tf.Tensor) => {
      const y = f();
      out = Array.from(y.dataSync());
      return tf.add(tf.sum(tf.mul(y, 0)), tf.sum(x));
    })(anchor);
  });
  return out;
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

describe('convBatchNorm', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`folds eval-mode BatchNorm (and the ReLU) into the convolution, equal to the chain (${backend})`, async () => {
      await selectBackend(backend);
      const rng = createRng(3);
      for (const [stride, activation] of [[1, 'relu'], [2, 'linear']] as const) {
        const conv = new ConvLayer({ name: 'c', inChannels: 5, outChannels: 6, kernelSize: 3, stride, pad: 1, rng });
        const bn = new BatchNormLayer({ name: 'b', channels: 6 });
        randomiseBatchNorm(bn, 7);
        const x = tf.randomNormal([3, 9, 9, 5], 0, 1, 'float32', 11) as tf.Tensor4D;
        const folded = tf.tidy(() => Array.from(convBatchNorm(conv, bn, x, 'eval', activation).dataSync()));
        const chain = tf.tidy(() => {
          const y = bn.apply(conv.apply(x), 'eval');
          return Array.from((activation === 'relu' ? relu(y) : y).dataSync());
        });
        expect(maxDiff(folded, chain)).toBeLessThan(1e-5);
        if (activation === 'linear') expect(Math.min(...folded)).toBeLessThan(0);
        tf.dispose([x, conv.weight.variable, bn.gamma.variable, bn.beta.variable, bn.runningMean.variable, bn.runningVar.variable]);
      }
    });
  }

  it('a whole ResNet evaluates the same folded as on the taped (unfolded) path, and trains unfolded', async () => {
    await selectBackend('wasm');
    const parts = resnetCifar({ depth: 8 }).build({ info: datasetInfo([8, 8, 3], 3), rng: createRng(0) });
    const norms = (parts.backbone as unknown as { bn1: BatchNormLayer; blocks: Array<{ bn1: BatchNormLayer; bn2: BatchNormLayer }> });
    [norms.bn1, ...norms.blocks.flatMap((b) => [b.bn1, b.bn2])].forEach((bn, i) => randomiseBatchNorm(bn, 20 + 4 * i));
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const folded = tf.tidy(() => Array.from(parts.backbone.apply(x, 'eval').dataSync()));
    const unfolded = taped(() => parts.backbone.apply(x, 'eval'), tf.scalar(0));
    expect(maxDiff(folded, unfolded)).toBeLessThan(1e-4);
    expect(Math.max(...folded)).toBeGreaterThan(0);
    // Under a tape, eval mode still differentiates through the running statistics' path (frozen-backbone stages).
    const gammaGrad = tf.tidy(() => {
      const gamma = norms.bn1.gamma.variable;
      const { grads } = tf.variableGrads(() => tf.sum(parts.backbone.apply(x, 'eval')) as tf.Scalar, [gamma]);
      return Math.max(...Array.from(tf.abs(grads[gamma.name]).dataSync()));
    });
    expect(gammaGrad).toBeGreaterThan(0);
    x.dispose();
    disposeParts(parts);
  });

  it('inside an InferenceCache folds each layer once for many batches, with a residual, and refolds changed weights', async () => {
    await selectBackend('wasm');
    const rng = createRng(4);
    const conv = new ConvLayer({ name: 'c', inChannels: 16, outChannels: 16, kernelSize: 3, stride: 1, pad: 1, rng });
    const bn = new BatchNormLayer({ name: 'b', channels: 16 });
    randomiseBatchNorm(bn, 30);
    const x = tf.randomNormal([2, 8, 8, 16], 0, 1, 'float32', 12) as tf.Tensor4D;
    const shortcut = tf.randomNormal([2, 8, 8, 16], 0, 1, 'float32', 13) as tf.Tensor4D;
    const chain = () => tf.tidy(() => Array.from(relu(tf.add(bn.apply(conv.apply(x), 'eval'), shortcut)).dataSync()));
    const forward = () => tf.tidy(() => Array.from(convBatchNorm(conv, bn, x, 'eval', 'relu', shortcut).dataSync()));
    const before = tf.memory().numTensors;
    const { outputs, profile } = await withInferenceCache(async () => {
      const profile = await tf.profile(() => {
        forward();
        forward();
      });
      const first = forward();
      // A training step assigns new weights: the next forward must use them.
      tf.tidy(() => bn.gamma.variable.assign(tf.mul(bn.gamma.variable, 2)));
      return { outputs: [first, forward()], profile };
    });
    expect(tf.memory().numTensors).toBe(before);
    // The fold's rsqrt ran once for both batches; the residual and the ReLU ran inside the convolution kernel.
    expect(profile.kernels.filter((k) => k.name === 'Rsqrt')).toHaveLength(1);
    expect(profile.kernelNames).not.toContain('AddN');
    expect(profile.kernelNames).not.toContain('Relu');
    expect(maxDiff(outputs[1], chain())).toBeLessThan(1e-4);
    expect(maxDiff(outputs[0], outputs[1])).toBeGreaterThan(1e-2);
    tf.dispose([x, shortcut, conv.weight.variable, bn.gamma.variable, bn.beta.variable, bn.runningMean.variable, bn.runningVar.variable]);
  });
});
