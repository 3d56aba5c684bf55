// Core's ops on lt's wasm kernels (@lt/backend-wasm): each must give what it gives on cpu, where it runs plain tf ops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { wasmKernelsReady } from '@lt/backend-wasm';
import { selectBackend } from '../index.js';
import { batchNorm } from './batchNorm.js';
import { conv2d, conv2dBiasActivation, type Conv2DPad } from './conv2d.js';
import { LtKernel } from './ltKernels.js';
import { Sgd } from '../optim/sgd.js';
import { convCases, expectClose, onBoth as onBothBackends, withBuild } from '../../../../test/support/wasmParity.js';
import { batchNormStep, bnParams, sgdSteps, values } from '../../../../test/support/opSteps.js';

/** onBoth, checking that wasm runs lt's native kernels. */
async function onBoth(f: () => tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  return onBothBackends(() => {
    if (tf.getBackend() === 'wasm') expect(wasmKernelsReady()).toBe(true);
    return f();
  });
}

describe("core's ops on lt's wasm kernels", () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  // lt's forward kernel needs output channels in multiples of 4.
  const forwardCases = convCases.filter(([, , wShape]) => wShape[3] % 4 === 0);

  // 3×3, stride 1, padding 1 with 16+ channels in multiples of 4: ops/conv2d.ts routes the forward and dx to Winograd.
  const winogradCases: Array<[string, number[], number[], Conv2DPad]> = [
    ['1 image, 7×5, 16 → 20', [1, 7, 5, 16], [3, 3, 16, 20], 'same'],
    ['2 images, 5×9, 20 → 16, pad 1', [2, 5, 9, 20], [3, 3, 20, 16], 1],
    ['1 image, 3×3, 24 → 16', [1, 3, 3, 24], [3, 3, 24, 16], 'same'],
    ['3 images, 1×1, 16 → 16', [3, 1, 1, 16], [3, 3, 16, 16], 'same'],
    ['2 images, 6×8, 16 → 20', [2, 6, 8, 16], [3, 3, 16, 20], 1],
    // At least 8 × 8: F(4×4, 3×3), with ragged tiles.
    ['2 images, 10×9, 16 → 20', [2, 10, 9, 16], [3, 3, 16, 20], 'same'],
  ];

  describe.each(['simd', 'fma'] as const)('%s build', (build) => {
    it.each(convCases)('conv2d gradients (dx and dW) match cpu: %s', async (_name, xShape, wShape, stride, pad) => {
      const [xv, wv] = [values(xShape, 1), values(wShape, 2)];
      const { cpu, wasm } = await withBuild(build, () =>
        onBoth(() => {
          const [x, w] = [tf.tensor4d(xv as number[], xShape as [number, number, number, number]), tf.tensor4d(wv as number[], wShape as [number, number, number, number])];
          const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))))([x, w]);
          tf.dispose([x, w]);
          return grads;
        }),
      );
      expectClose(wasm, cpu);
    });

    it.each(forwardCases)('conv2dBiasActivation (bias, residual, then ReLU or nothing, in the kernel) matches cpu: %s', async (_name, xShape, wShape, stride, pad) => {
      const [xv, wv] = [values(xShape, 5), values(wShape, 6)];
      const co = wShape[3];
      const run = () => {
        const [x, w] = [tf.tensor4d(xv as number[], xShape as [number, number, number, number]), tf.tensor4d(wv as number[], wShape as [number, number, number, number])];
        const bias = tf.linspace(-1, 1, co) as tf.Tensor1D;
        const plain = (['relu', 'linear'] as const).map((activation) => conv2dBiasActivation(x, w, bias, stride, pad, activation));
        const residual = tf.randomNormal(plain[0].shape, 0, 1, 'float32', 7) as tf.Tensor4D;
        return [...plain, ...(['relu', 'linear'] as const).map((activation) => conv2dBiasActivation(x, w, bias, stride, pad, activation, residual))];
      };
      const { cpu, wasm } = await withBuild(build, () => onBoth(run));
      expectClose(wasm, cpu);
      // lt's forward kernel took the residual where it takes the convolution: no separate addition.
      const profile = await withBuild(build, () => tf.profile(() => tf.tidy(run)));
      if (profile.kernelNames.includes(LtKernel.conv2D)) expect(profile.kernelNames.filter((k) => k === 'Add' || k === 'AddN')).toEqual([]);
      // Both activations were exercised: the ReLU clipped something, the linear output kept negatives.
      expect(Math.min(...cpu[0])).toBe(0);
      expect(Math.min(...cpu[1])).toBeLessThan(0);
    });
    it.each(winogradCases)('Winograd: conv2d forward and gradients (dx by Winograd too) match cpu: %s', async (_name, xShape, wShape, pad) => {
      const [xv, wv] = [values(xShape, 13), values(wShape, 14)];
      const run = () => {
        const [x, w] = [tf.tensor4d(xv as number[], xShape as [number, number, number, number]), tf.tensor4d(wv as number[], wShape as [number, number, number, number])];
        // Weights on the output, so dy differs per position and channel.
        const weights = tf.randomUniform([xShape[0], xShape[1], xShape[2], wShape[3]], -1, 1, 'float32', 15);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad), weights));
        const out = [conv2d(x, w, 1, pad), ...tf.grads(f)([x, w])];
        tf.dispose([x, w, weights]);
        return out;
      };
      const { cpu, wasm } = await withBuild(build, () =>
        onBoth(() => {
          return run();
        }),
      );
      expectClose(wasm, cpu);
      // Both forwards (the output's and the one under tf.grads) and dx went through the Winograd kernel, dW through
      // the Winograd filter-gradient kernel.
      const profile = await withBuild(build, () => tf.profile(() => tf.tidy(run)));
      expect(profile.kernels.filter((k) => k.name === LtKernel.conv2DWinograd)).toHaveLength(3);
      expect(profile.kernels.filter((k) => k.name === LtKernel.conv2DWinogradFilterGrad)).toHaveLength(1);
      expect(profile.kernelNames).not.toContain(LtKernel.conv2D);
      expect(profile.kernelNames).not.toContain(LtKernel.conv2DInputGrad);
      expect(profile.kernelNames).not.toContain(LtKernel.conv2DFilterGrad);
    });

    it.each(winogradCases)('Winograd: conv2dBiasActivation matches cpu: %s', async (_name, xShape, wShape, pad) => {
      const [xv, wv] = [values(xShape, 16), values(wShape, 17)];
      const co = wShape[3];
      const run = () => {
        const [x, w] = [tf.tensor4d(xv as number[], xShape as [number, number, number, number]), tf.tensor4d(wv as number[], wShape as [number, number, number, number])];
        const bias = tf.linspace(-1, 1, co) as tf.Tensor1D;
        const residual = tf.randomNormal([xShape[0], xShape[1], xShape[2], co], 0, 1, 'float32', 18) as tf.Tensor4D;
        return [undefined, residual].flatMap((r) => (['relu', 'linear'] as const).map((activation) => conv2dBiasActivation(x, w, bias, 1, pad, activation, r)));
      };
      const { cpu, wasm } = await withBuild(build, () => onBoth(run));
      expectClose(wasm, cpu);
      expect(Math.min(...cpu[0])).toBe(0);
      expect(Math.min(...cpu[1])).toBeLessThan(0);
      const profile = await withBuild(build, () => tf.profile(() => tf.tidy(run)));
      expect(profile.kernels.filter((k) => k.name === LtKernel.conv2DWinograd)).toHaveLength(4);
      expect(profile.kernelNames.filter((k) => k === 'Add' || k === 'AddN')).toEqual([]);
    });
  });

  it.each([
    ['NHWC, 6 channels', [3, 5, 4, 6]],
    ['NHWC, 16 channels', [2, 3, 3, 16]],
    ['[N, C], 5 channels', [7, 5]],
  ])('BatchNorm train forward, backward and running stats match cpu: %s', async (_name, shape) => {
    const xv = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 3), 3), 2).arraySync());
    const { cpu, wasm } = await onBoth(() => batchNormStep(xv, shape));
    expectClose(wasm, cpu);
  });

  it.each([
    ['NHWC, 6 channels (a scalar tail)', [3, 5, 4, 6]],
    ['NHWC, 16 channels', [2, 3, 3, 16]],
  ])('BatchNorm with its ReLU fused (wasm, one pass) matches BatchNorm then ReLU on cpu, values and gradients: %s', async (_name, shape) => {
    const xv = values(shape, 13);
    const { cpu, wasm } = await onBoth(() => batchNormStep(xv, shape, true));
    expectClose(wasm, cpu);
    // The ReLU clipped part of y, so the mask mattered for the gradients.
    const y = cpu[0];
    expect(y.filter((v) => v === 0).length).toBeGreaterThan(y.length / 4);
    expect(Math.max(...y)).toBeGreaterThan(0);
  });

  it.each([
    ['NHWC, 6 channels, with ReLU', [3, 5, 4, 6], true],
    ['NHWC, 16 channels, with ReLU', [2, 3, 3, 16], true],
    ['NHWC, 8 channels, no ReLU', [2, 3, 3, 8], false],
  ] as const)('BatchNorm + residual (+ ReLU) fused on wasm matches the separate ops on cpu, with the residual\'s gradient: %s', async (_name, shape, relu) => {
    const xv = values([...shape], 14);
    const { cpu, wasm } = await onBoth(() => batchNormStep(xv, [...shape], relu, true));
    expectClose(wasm, cpu);
    // With the ReLU, part of y was clipped (so the mask mattered); without, y keeps its negatives.
    const y = cpu[0];
    if (relu) expect(y.filter((v) => v === 0).length).toBeGreaterThan(y.length / 4);
    else expect(Math.min(...y)).toBeLessThan(0);
    // The residual's gradient (the fourth gradient) is not all zero.
    expect(Math.max(...cpu[4].map(Math.abs))).toBeGreaterThan(0);
  });

  it.each([
    ['NHWC, 6 channels', [3, 5, 4, 6]],
    ['[N, C], 5 channels', [7, 5]],
  ])('BatchNorm eval forward and its gradients match cpu: %s', async (_name, shape) => {
    const xv = values(shape, 11);
    const { cpu, wasm } = await onBoth(() => {
      const c = shape[shape.length - 1];
      const params = bnParams(c);
      params.runningMean.assign(tf.linspace(-0.5, 0.5, c));
      params.runningVar.assign(tf.linspace(0.5, 2, c));
      const x = tf.tensor(xv as number[], shape);
      const weights = tf.randomUniform(shape, -1, 1, 'float32', 12);
      const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(batchNorm(a as tf.Tensor4D, { ...params, gamma: g as tf.Variable, beta: b as tf.Variable }, { mode: 'eval' }), weights));
      const y = tf.tidy(() => batchNorm(x as tf.Tensor4D, params, { mode: 'eval' }));
      const out = [y, ...tf.grads(f)([x, params.gamma, params.beta])];
      tf.dispose([x, weights, ...Object.values(params)]);
      return out;
    });
    expectClose(wasm, cpu);
  });

  it('SGD with momentum and weight decay matches cpu over three steps, with per-parameter lr multipliers', async () => {
    const { cpu, wasm } = await onBoth(sgdSteps([[7], [3, 5], [2, 3, 3, 2]]));
    expectClose(wasm, cpu);
  });

  it.each([
    // [name, channels in → out, input, stride, pad, the kernels one step must run and how often]
    ['the direct conv kernels', [2, 4], [2, 5, 5, 2], 2, 'same', { [LtKernel.conv2DFilterGrad]: 1 }],
    // The Winograd forward runs twice: the forward and dx (conv2d's gradient computes dx even where x is no variable).
    ['the Winograd kernels (forward, dx, dW)', [16, 20], [2, 5, 7, 16], 1, 'same', { [LtKernel.conv2DWinograd]: 2, [LtKernel.conv2DWinogradFilterGrad]: 1 }],
  ] as const)('a training step through %s leaves no tensors or backend buffers behind', async (_name, [ci, co], xShape, stride, pad, expected) => {
    await selectBackend('wasm');
    const params = bnParams(co);
    const w = tf.variable(tf.randomNormal([3, 3, ci, co], 0, 1, 'float32', 5));
    const x = tf.randomNormal([...xShape], 0, 1, 'float32', 6) as tf.Tensor4D;
    const variables = [w, params.gamma, params.beta];
    const sgd = new Sgd(variables.map((variable, i) => ({ name: `v${i}`, variable })), { momentum: 0.9, weightDecay: 1e-3 });
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(batchNorm(conv2d(x, w as tf.Tensor4D, stride, pad), params, { mode: 'train' }))), variables);
        sgd.step(grads, 0.1);
        return value;
      }).dispose();
    step();
    const before = { ...tf.memory(), dataIds: tf.engine().backend.numDataIds() };
    const profile = await tf.profile(step);
    for (const [kernel, calls] of Object.entries(expected)) expect(profile.kernels.filter((k) => k.name === kernel)).toHaveLength(calls);
    const after = { ...tf.memory(), dataIds: tf.engine().backend.numDataIds() };
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.dataIds).toBe(before.dataIds);
    sgd.dispose();
    tf.dispose([x, ...variables, params.runningMean, params.runningVar]);
  });

});
