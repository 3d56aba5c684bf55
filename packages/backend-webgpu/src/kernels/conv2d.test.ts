import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { countDispatches } from '../count.js';
import { expectClose, gpuFootprint, onBoth, useWebGPU, values } from '../gpu.test-util.js';
import { filterGradSplits } from './conv2d.js';
import { WebGPUKernelName } from './names.js';

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly k: number;
  /** The filter's width where it is not square. */
  readonly kw?: number;
  readonly co: number;
  readonly stride: number;
  readonly pad: 'same' | 'valid' | number;
  readonly groups?: number;
  readonly epilogue?: boolean;
}

// Long K (n·oh·ow = 900): the filter gradient takes two dispatches, which the leak and dispatch tests want.
const splitK: Case = { name: 'long K: the filter gradient splits (a 32-wide tile)', x: [4, 15, 15, 4], k: 3, co: 24, stride: 1, pad: 'same' };

const cases: Case[] = [
  { name: '3 → 5 channels, 3×3 stride 1 same', x: [2, 5, 5, 3], k: 3, co: 5, stride: 1, pad: 'same' },
  { name: '7 → 6 channels, 3×3 stride 2 same on an even input (pad 0 top, 1 bottom)', x: [2, 6, 6, 7], k: 3, co: 6, stride: 2, pad: 'same' },
  { name: '1×1 stride 2 valid (odd rows get no gradient)', x: [2, 6, 5, 4], k: 1, co: 3, stride: 2, pad: 'valid' },
  { name: '7×7 stride 2 pad 3 on one image', x: [1, 9, 9, 3], k: 7, co: 4, stride: 2, pad: 3 },
  { name: 'batch 1, 3×3 valid (a 32-wide tile for dx)', x: [1, 4, 4, 20], k: 3, co: 7, stride: 1, pad: 'valid' },
  { name: 'more than one tile in every GEMM dimension', x: [2, 9, 9, 66], k: 3, co: 70, stride: 1, pad: 'same' },
  splitK,
  { name: '4 groups, 8 → 12 channels', x: [2, 5, 5, 8], k: 3, co: 12, stride: 1, pad: 'same', groups: 4 },
  { name: '2 groups, 6 → 10 channels, stride 2', x: [2, 7, 7, 6], k: 3, co: 10, stride: 2, pad: 'same', groups: 2 },
  { name: '3×1 filter, stride 2 same on a 7×6 input', x: [2, 7, 6, 5], k: 3, kw: 1, co: 6, stride: 2, pad: 'same' },
  { name: '1×1 stride 2 pad 1: border outputs see only padding', x: [1, 5, 5, 3], k: 1, co: 4, stride: 2, pad: 1 },
  { name: 'bias, residual and ReLU epilogue', x: [2, 6, 6, 3], k: 3, co: 5, stride: 2, pad: 'same', epilogue: true },
];

function geometry(c: Case) {
  const groups = c.groups ?? 1;
  const kw = c.kw ?? c.k;
  const info = tf.backend_util.computeConv2DInfo(c.x, [c.k, kw, c.x[3], c.co], c.stride, 1, c.pad);
  const attrs = { stride: c.stride, padTop: info.padInfo.top, padLeft: info.padInfo.left, groups };
  const outShape: [number, number, number, number] = [c.x[0], info.outHeight, info.outWidth, c.co];
  const filterShape: [number, number, number, number] = [c.k, kw, c.x[3] / groups, c.co];
  return { attrs, outShape, filterShape, groups };
}

// Grouped convolution as PyTorch defines it, from tf ops: each channel slice convolved with its filter slice.
function reference(x: tf.Tensor4D, w: tf.Tensor4D, c: Case, groups: number): tf.Tensor4D {
  if (groups === 1) return tf.conv2d(x, w, c.stride, c.pad);
  const ws = tf.split(w, groups, 3);
  return tf.concat(tf.split(x, groups, 3).map((xi, i) => tf.conv2d(xi as tf.Tensor4D, ws[i] as tf.Tensor4D, c.stride, c.pad)), 3);
}

describe('LtConv2D, LtConv2DInputGrad, LtConv2DFilterGrad on webgpu', () => {
  for (const c of cases) {
    it(`match tf.conv2d and its gradients on cpu: ${c.name}`, async () => {
      const { attrs, outShape, filterShape, groups } = geometry(c);
      const [xs, ws, dys, bs] = [values(c.x, 1), values(filterShape, 2), values(outShape, 3), values([c.co], 4)];
      const { cpu, gpu } = await onBoth(() => {
        const [x, w, dy, bias] = [tf.tensor4d(xs as number[][][][]), tf.tensor4d(ws as number[][][][]), tf.tensor4d(dys as number[][][][]), tf.tensor1d(bs as number[])];
        if (tf.getBackend() === 'cpu') {
          const y = reference(x, w, c, groups);
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => reference(a as tf.Tensor4D, b as tf.Tensor4D, c, groups))([x, w], dy);
          // The epilogue's residual is dy (it has the output's shape).
          return [c.epilogue === true ? tf.relu(tf.add(tf.add(y, bias), dy)) : y, dx, dw];
        }
        const inputs: tf.NamedTensorMap = c.epilogue === true ? { x, filter: w, bias, residual: dy } : { x, filter: w };
        const y = tf.engine().runKernel(WebGPUKernelName.conv2D, inputs, { ...attrs, outShape, relu: c.epilogue === true }) as tf.Tensor;
        const dx = tf.engine().runKernel(WebGPUKernelName.conv2DInputGrad, { dy, filter: w }, { ...attrs, xShape: c.x }) as tf.Tensor;
        const dw = tf.engine().runKernel(WebGPUKernelName.conv2DFilterGrad, { x, dy }, { ...attrs, filterShape }) as tf.Tensor;
        return [y, dx, dw];
      });
      expectClose(gpu, cpu, 1e-4);
    });
  }

  it('rejects groups that do not divide the channels, and filters that do not fit them', async () => {
    await useWebGPU();
    tf.tidy(() => {
      const [x, filter] = [tf.zeros([1, 3, 3, 6]), tf.zeros([3, 3, 6, 4])];
      const attrs = { stride: 1, padTop: 1, padLeft: 1, outShape: [1, 3, 3, 4] };
      expect(() => tf.engine().runKernel(WebGPUKernelName.conv2D, { x, filter }, { ...attrs, groups: 4 })).toThrow(/groups 4/);
      expect(() => tf.engine().runKernel(WebGPUKernelName.conv2D, { x, filter }, { ...attrs, groups: 2 })).toThrow(/does not fit/);
    });
  });

  it('splits the filter gradient by the shape alone, in K-tile multiples', () => {
    expect(filterGradSplits(1, 900)).toEqual({ splits: 3, splitK: 304 });
    expect(filterGradSplits(1, 100)).toEqual({ splits: 1, splitK: 112 });
    expect(filterGradSplits(512, 1 << 20).splits).toBe(1);
  });

  const run = (x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor) => {
    const { attrs, outShape, filterShape } = geometry(splitK);
    return {
      forward: () => tf.engine().runKernel(WebGPUKernelName.conv2D, { x, filter: w }, { ...attrs, outShape }) as tf.Tensor,
      inputGrad: () => tf.engine().runKernel(WebGPUKernelName.conv2DInputGrad, { dy, filter: w }, { ...attrs, xShape: splitK.x }) as tf.Tensor,
      filterGrad: () => tf.engine().runKernel(WebGPUKernelName.conv2DFilterGrad, { x, dy }, { ...attrs, filterShape }) as tf.Tensor,
    };
  };

  it('leaks no tensor and no GPU buffer over repeated calls', async () => {
    await useWebGPU();
    const { outShape, filterShape } = geometry(splitK);
    const [x, w, dy] = [tf.randomNormal(splitK.x), tf.randomNormal(filterShape), tf.randomNormal(outShape)];
    const kernels = run(x, w, dy);
    const step = async () => {
      const out = [kernels.forward(), kernels.inputGrad(), kernels.filterGrad()];
      await Promise.all(out.map((t) => t.data()));
      tf.dispose(out);
    };
    await step();
    const before = await gpuFootprint();
    for (let i = 0; i < 3; i++) await step();
    expect(await gpuFootprint()).toEqual(before);
    tf.dispose([x, w, dy]);
  });

  it('dispatches once for the forward and the input gradient, at most twice for the filter gradient', async () => {
    await useWebGPU();
    const { outShape, filterShape } = geometry(splitK);
    const [x, w, dy] = [tf.randomNormal(splitK.x), tf.randomNormal(filterShape), tf.randomNormal(outShape)];
    await Promise.all([x, w, dy].map((t) => t.data()));
    const kernels = run(x, w, dy);
    for (const [name, expected] of [['forward', 1], ['inputGrad', 1], ['filterGrad', 2]] as const) {
      const { result, dispatches } = await countDispatches(() => kernels[name]());
      expect(dispatches, name).toBe(expected);
      result.dispose();
    }
    tf.dispose([x, w, dy]);
  });
});
