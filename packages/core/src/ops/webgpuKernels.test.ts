// Core's ops on lt's WGSL kernels (@lt/backend-webgpu), on Dawn over SwiftShader (a CPU Vulkan driver, so this runs
// on any machine): each op must give what it gives on cpu, and must actually run lt's kernels there.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../index.js';
import { batchNorm } from './batchNorm.js';
import { conv2d, conv2dBiasActivation } from './conv2d.js';
import { LtKernel } from './ltKernels.js';
import { convCases, expectClose } from '../../../../test/support/wasmParity.js';
import { batchNormStep, bnParams, sgdSteps, values } from '../../../../test/support/opSteps.js';
import { onCpuAndWebGPU as onBoth } from '../../../../test/support/webgpuParity.js';


/** The names of the kernels `f` runs on the active backend, with how often each ran. */
async function kernelCalls(f: () => tf.Tensor[]): Promise<Map<string, number>> {
  const profile = await tf.profile(() => tf.tidy(f));
  tf.dispose(profile.result as tf.Tensor[]);
  const calls = new Map<string, number>();
  for (const k of profile.kernels) calls.set(k.name, (calls.get(k.name) ?? 0) + 1);
  return calls;
}

const tensor4d = (v: unknown, shape: number[]) => tf.tensor4d(v as number[], shape as [number, number, number, number]);

describe("core's ops on lt's webgpu kernels", () => {
  beforeAll(async () => {
    await selectBackend('webgpu');
  });
  // Each test makes its inputs with tf on cpu: webgpu has no synchronous read in Node (arraySync needs OffscreenCanvas).
  afterEach(async () => {
    await selectBackend('cpu');
  });

  it.each(convCases)('conv2d forward and gradients match cpu, on lt\'s kernels: %s', async (_name, xShape, wShape, stride, pad) => {
    const [xv, wv] = [values(xShape, 1), values(wShape, 2)];
    const step = () => {
      const [x, w] = [tensor4d(xv, xShape), tensor4d(wv, wShape)];
      const { outShape } = tf.backend_util.computeConv2DInfo(x.shape, w.shape, stride, 1, pad);
      const weights = tf.randomUniform(outShape, -1, 1, 'float32', 3);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), weights));
      return [conv2d(x, w, stride, pad), ...tf.grads(f)([x, w])];
    };
    const { cpu, gpu } = await onBoth(step);
    expectClose(gpu, cpu);
    const calls = await kernelCalls(step);
    // Two forwards (the output's, and the one under tf.grads), one dx, one dW; none of tfjs's own convolutions.
    expect([calls.get(LtKernel.conv2D), calls.get(LtKernel.conv2DInputGrad), calls.get(LtKernel.conv2DFilterGrad)]).toEqual([2, 1, 1]);
    expect([...calls.keys()].filter((k) => k.startsWith('Conv2D'))).toEqual([]);
  });

  it.each([
    ['4 groups, 8 → 12, stride 1', [2, 5, 6, 8], [3, 3, 2, 12], 1, 4],
    ['32 groups of 4 (ResNeXt), stride 2', [1, 6, 6, 128], [3, 3, 4, 128], 2, 32],
  ] as const)('grouped conv2d matches the per-group convolutions on cpu, in one kernel per pass: %s', async (_name, xShape, wShape, stride, groups) => {
    const [xv, wv] = [values([...xShape], 4), values([...wShape], 5)];
    const step = () => {
      const [x, w] = [tensor4d(xv, [...xShape]), tensor4d(wv, [...wShape])];
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same', groups)));
      return [conv2d(x, w, stride, 'same', groups), ...tf.grads(f)([x, w])];
    };
    const { cpu, gpu } = await onBoth(step);
    expectClose(gpu, cpu);
    const calls = await kernelCalls(step);
    expect([calls.get(LtKernel.conv2D), calls.get(LtKernel.conv2DInputGrad), calls.get(LtKernel.conv2DFilterGrad)]).toEqual([2, 1, 1]);
    expect(calls.has('Concat') || calls.has('SplitV')).toBe(false);
  });

  it('conv2dBiasActivation runs the bias, the residual and the ReLU in lt\'s forward kernel', async () => {
    const [xv, wv, rv] = [values([2, 7, 7, 5], 6), values([3, 3, 5, 6], 7), values([2, 4, 4, 6], 8)];
    const step = () => {
      const [x, w, residual] = [tensor4d(xv, [2, 7, 7, 5]), tensor4d(wv, [3, 3, 5, 6]), tensor4d(rv, [2, 4, 4, 6])];
      const bias = tf.linspace(-1, 1, 6) as tf.Tensor1D;
      return [undefined, residual].flatMap((r) => (['relu', 'linear'] as const).map((activation) => conv2dBiasActivation(x, w, bias, 2, 'same', activation, r)));
    };
    const { cpu, gpu } = await onBoth(step);
    expectClose(gpu, cpu);
    expect(Math.min(...cpu[0])).toBe(0);
    expect(Math.min(...cpu[1])).toBeLessThan(0);
    const calls = await kernelCalls(step);
    expect(calls.get(LtKernel.conv2D)).toBe(4);
    expect(calls.has('Add') || calls.has('AddN') || calls.has('Relu')).toBe(false);
  });

  it.each([
    ['NHWC, 5 channels', [3, 5, 4, 5], false, false],
    ['NHWC, 16 channels, ReLU fused', [2, 6, 6, 16], true, false],
    ['NHWC, 6 channels, residual + ReLU fused', [3, 5, 4, 6], true, true],
    ['NHWC, 8 channels, residual, no ReLU', [2, 3, 3, 8], false, true],
    ['[N, C], 7 channels', [9, 7], false, false],
  ] as const)('BatchNorm train forward, backward and running stats match cpu: %s', async (_name, shape, relu, residual) => {
    const xv = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([...shape], 0, 1, 'float32', 3), 3), 2).arraySync());
    const { cpu, gpu } = await onBoth(() => batchNormStep(xv, [...shape], relu, residual));
    expectClose(gpu, cpu);
    const calls = await kernelCalls(() => batchNormStep(xv, [...shape], relu, residual));
    expect([calls.get(LtKernel.batchNormTrain), calls.get(LtKernel.batchNormGrad)]).toEqual([2, 1]);
    // With a residual and a ReLU, the shortcut's gradient comes out of the BatchNorm gradient's own pass.
    if (relu && residual) expect(calls.has('Step')).toBe(false);
  });

  it('BatchNorm eval matches cpu in one lt kernel', async () => {
    const xv = values([3, 4, 4, 6], 11);
    const step = () => {
      const params = bnParams(6);
      params.runningMean.assign(tf.linspace(-0.5, 0.5, 6));
      params.runningVar.assign(tf.linspace(0.5, 2, 6));
      const y = batchNorm(tensor4d(xv, [3, 4, 4, 6]), params, { mode: 'eval' });
      tf.dispose(Object.values(params));
      return [y];
    };
    const { cpu, gpu } = await onBoth(step);
    expectClose(gpu, cpu);
    expect((await kernelCalls(step)).get(LtKernel.batchNormEval)).toBe(1);
  });

  it('Sgd with momentum and weight decay matches cpu, one fused kernel per parameter', async () => {
    const run = sgdSteps([[3, 3, 2, 5], [7], [33, 10]]);
    const { cpu, gpu } = await onBoth(run);
    expectClose(gpu, cpu, 1e-5);
    expect((await kernelCalls(run)).get(LtKernel.sgdMomentum)).toBe(9);
  });
});
