import { beforeEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { countDispatches } from '../count.js';
import { expectClose, gpuFootprint, onBoth, useWebGPU, values } from '../gpu.test-util.js';
import { batchNormSpans } from './batchNorm.js';
import { WebGPUKernelName } from './names.js';

// Inputs are made as plain arrays on cpu (webgpu in Node has no synchronous reads).
beforeEach(async () => {
  await tf.setBackend('cpu');
});

const EPSILON = 1e-5;
const MOMENTUM = 0.1;

type Nested = ReturnType<typeof values>;
const axesOf = (rank: number) => Array.from({ length: rank - 1 }, (_, i) => i);

// Inputs as plain arrays, so cpu and webgpu start from identical values; a variance must be positive.
function params(c: number, seed: number): { gamma: Nested; beta: Nested; runningMean: Nested; runningVar: Nested } {
  const runningVar = tf.tidy(() => tf.add(tf.abs(tf.randomNormal([c], 0, 1, 'float32', seed + 3)), 0.5).arraySync());
  return { gamma: values([c], seed), beta: values([c], seed + 1), runningMean: values([c], seed + 2), runningVar };
}

// batchNorm.ts's tf-op path: two-pass moments, PyTorch's running-stat update with the unbiased variance.
function trainReference(x: tf.Tensor, p: Record<string, tf.Tensor>, residual: tf.Tensor | undefined, relu: boolean): tf.Tensor[] {
  const c = x.shape[x.rank - 1];
  const m = x.size / c;
  const { mean, variance } = tf.moments(x, axesOf(x.rank));
  const rstd = tf.rsqrt(tf.add(variance, EPSILON));
  let y = tf.add(tf.mul(tf.mul(tf.sub(x, mean), rstd), p.gamma), p.beta);
  if (residual !== undefined) y = tf.add(y, residual);
  if (relu) y = tf.relu(y);
  const runningMean = tf.add(tf.mul(p.runningMean, 1 - MOMENTUM), tf.mul(mean, MOMENTUM));
  const runningVar = tf.add(tf.mul(p.runningVar, 1 - MOMENTUM), tf.mul(tf.mul(variance, m / (m - 1)), MOMENTUM));
  return [y, mean, rstd, runningMean, runningVar];
}

function gradReference(dy: tf.Tensor, x: tf.Tensor, mean: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor, y: tf.Tensor | undefined): tf.Tensor[] {
  const axes = axesOf(x.rank);
  const m = x.size / x.shape[x.rank - 1];
  const g = y === undefined ? dy : tf.mul(dy, tf.step(y));
  const xHat = tf.mul(tf.sub(x, mean), rstd);
  const dBeta = tf.sum(g, axes);
  const dGamma = tf.sum(tf.mul(g, xHat), axes);
  const dx = tf.mul(tf.mul(gamma, rstd), tf.sub(tf.sub(g, tf.div(dBeta, m)), tf.mul(xHat, tf.div(dGamma, m))));
  return [dx, dGamma, dBeta, g];
}

function evalReference(x: tf.Tensor, p: Record<string, tf.Tensor>): tf.Tensor {
  const scale = tf.mul(p.gamma, tf.rsqrt(tf.add(p.runningVar, EPSILON)));
  return tf.add(tf.mul(x, scale), tf.sub(p.beta, tf.mul(p.runningMean, scale)));
}

const tensors = (p: Record<string, Nested>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.tensor(v)]));
const onGPU = () => tf.getBackend() === 'webgpu';

// Odd channels with one span (m = 9); three uneven spans (m = 196); 64 spans; rank 2.
const SHAPES = [
  [1, 3, 3, 5],
  [4, 7, 7, 6],
  [64, 8, 8, 16],
  [37, 10],
];

describe('LtBatchNormTrain on webgpu', () => {
  it('cuts rows into spans by shape alone', () => {
    expect(SHAPES.map((s) => batchNormSpans(s.slice(0, -1).reduce((a, b) => a * b, 1), s[s.length - 1]))).toEqual([1, 3, 64, 1]);
    expect(batchNormSpans(64 * 32 * 32, 16)).toBe(256);
  });

  for (const shape of SHAPES) {
    for (const relu of [false, true]) {
      for (const withResidual of [false, true]) {
        it(`matches the tf-op forward and running stats ([${shape}], relu ${relu}, residual ${withResidual})`, async () => {
          const c = shape[shape.length - 1];
          const [xv, rv, p] = [values(shape, 1), values(shape, 2), params(c, 10)];
          const { cpu, gpu } = await onBoth(() => {
            const [x, residual] = [tf.tensor(xv), withResidual ? tf.tensor(rv) : undefined];
            const t = tensors(p);
            if (!onGPU()) return trainReference(x, t, residual, relu);
            const inputs = { x, ...t, ...(residual === undefined ? {} : { residual }) };
            return tf.engine().runKernel(WebGPUKernelName.batchNormTrain, inputs, { epsilon: EPSILON, momentum: MOMENTUM, relu }) as tf.Tensor[];
          });
          expectClose(gpu, cpu, 1e-4);
        });
      }
    }
  }

  it('keeps the variance of values far from zero (x = 1000 + N(0, 1), m = 65,536, 256 spans)', async () => {
    const shape = [64, 32, 32, 16];
    const xv = tf.tidy(() => tf.add(tf.randomNormal(shape, 0, 1, 'float32', 5), 1000).arraySync());
    const p = params(16, 20);
    const { cpu, gpu } = await onBoth(() => {
      const x = tf.tensor(xv);
      if (!onGPU()) return trainReference(x, tensors(p), undefined, false);
      return tf.engine().runKernel(WebGPUKernelName.batchNormTrain, { x, ...tensors(p) }, { epsilon: EPSILON, momentum: MOMENTUM }) as tf.Tensor[];
    });
    const rstdError = gpu[2].reduce((worst, v, k) => Math.max(worst, Math.abs(v - cpu[2][k]) / cpu[2][k]), 0);
    expect(rstdError).toBeLessThan(1e-4);
    expectClose(gpu, cpu, 1e-4);
  });

  it('gives bit-identical results on repeated calls', async () => {
    const [xv, p] = [values([4, 7, 7, 6], 3), params(6, 30)];
    await useWebGPU();
    const run = async () => {
      const outs = tf.tidy(() => tf.engine().runKernel(WebGPUKernelName.batchNormTrain, { x: tf.tensor(xv), ...tensors(p) }, { epsilon: EPSILON, momentum: MOMENTUM }) as tf.Tensor[]);
      const read = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
      tf.dispose(outs);
      return read;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('LtBatchNormGrad on webgpu', () => {
  for (const shape of SHAPES) {
    for (const mode of ['plain', 'masked', 'withMaskedDy'] as const) {
      it(`matches the closed-form tf-op backward ([${shape}], ${mode})`, async () => {
        const c = shape[shape.length - 1];
        const axes = axesOf(shape.length);
        const [dyv, xv] = [values(shape, 4), values(shape, 5)];
        // y with exact zeros, as a fused ReLU leaves them.
        const yv = tf.tidy(() => tf.relu(tf.randomNormal(shape, 0, 1, 'float32', 6)).arraySync());
        const [meanv, rstdv] = tf.tidy(() => {
          const { mean, variance } = tf.moments(tf.tensor(xv), axes);
          return [mean.arraySync(), tf.rsqrt(tf.add(variance, EPSILON)).arraySync()];
        });
        const gammav = values([c], 7);
        const { cpu, gpu } = await onBoth(() => {
          const [dy, x, mean, rstd, gamma] = [dyv, xv, meanv, rstdv, gammav].map((v) => tf.tensor(v));
          const y = mode === 'plain' ? undefined : tf.tensor(yv);
          if (!onGPU()) return gradReference(dy, x, mean, rstd, gamma, y).slice(0, mode === 'withMaskedDy' ? 4 : 3);
          const inputs = { dy, x, mean, rstd, gamma, ...(y === undefined ? {} : { y }) };
          return tf.engine().runKernel(WebGPUKernelName.batchNormGrad, inputs, { withMaskedDy: mode === 'withMaskedDy' }) as tf.Tensor[];
        });
        expectClose(gpu, cpu, 1e-4);
      });
    }
  }
});

describe('LtBatchNormGrad on webgpu: contract', () => {
  it('refuses withMaskedDy without y', async () => {
    await useWebGPU();
    const t = tf.tidy(() => [tf.ones([4, 2]), tf.ones([4, 2]), tf.zeros([2]), tf.ones([2]), tf.ones([2])]);
    const [dy, x, mean, rstd, gamma] = t;
    expect(() => tf.engine().runKernel(WebGPUKernelName.batchNormGrad, { dy, x, mean, rstd, gamma }, { withMaskedDy: true })).toThrow(/withMaskedDy needs input y/);
    tf.dispose(t);
  });
});

describe('LtBatchNormEval on webgpu', () => {
  for (const shape of SHAPES) {
    it(`matches the tf-op eval forward ([${shape}])`, async () => {
      const [xv, p] = [values(shape, 8), params(shape[shape.length - 1], 40)];
      const { cpu, gpu } = await onBoth(() => {
        const x = tf.tensor(xv);
        if (!onGPU()) return evalReference(x, tensors(p));
        return tf.engine().runKernel(WebGPUKernelName.batchNormEval, { x, ...tensors(p) }, { epsilon: EPSILON }) as tf.Tensor;
      });
      expectClose(gpu, cpu, 1e-4);
    });
  }
});

describe('BatchNorm kernels on webgpu: cost', () => {
  const shape = [64, 8, 8, 16];
  // Made on cpu, then uploaded on webgpu.
  const inputs = async () => {
    const arrays = { x: values(shape, 60), dy: values(shape, 61), residual: values(shape, 62), ...params(16, 50) };
    await useWebGPU();
    return tensors(arrays);
  };
  const step = (t: Record<string, tf.Tensor>) => {
    const train = tf.engine().runKernel(WebGPUKernelName.batchNormTrain, { x: t.x, gamma: t.gamma, beta: t.beta, runningMean: t.runningMean, runningVar: t.runningVar, residual: t.residual }, { epsilon: EPSILON, momentum: MOMENTUM, relu: true }) as tf.Tensor[];
    const grad = tf.engine().runKernel(WebGPUKernelName.batchNormGrad, { dy: t.dy, x: t.x, mean: train[1], rstd: train[2], gamma: t.gamma, y: train[0] }, { withMaskedDy: true }) as tf.Tensor[];
    const evaluated = tf.engine().runKernel(WebGPUKernelName.batchNormEval, { x: t.x, gamma: t.gamma, beta: t.beta, runningMean: t.runningMean, runningVar: t.runningVar }, { epsilon: EPSILON }) as tf.Tensor;
    return { train, grad, evaluated };
  };

  it('takes 2 dispatches for train, 2 for grad and 1 for eval', async () => {
    const t = await inputs();
    await Promise.all(Object.values(t).map((v) => v.data()));
    const common = { gamma: t.gamma, beta: t.beta, runningMean: t.runningMean, runningVar: t.runningVar };
    const train = await countDispatches(() => tf.engine().runKernel(WebGPUKernelName.batchNormTrain, { x: t.x, ...common, residual: t.residual }, { epsilon: EPSILON, momentum: MOMENTUM, relu: true }) as tf.Tensor[]);
    const [y, mean, rstd] = train.result;
    const grad = await countDispatches(() => tf.engine().runKernel(WebGPUKernelName.batchNormGrad, { dy: t.dy, x: t.x, mean, rstd, gamma: t.gamma, y }, { withMaskedDy: true }) as tf.Tensor[]);
    const evaluated = await countDispatches(() => tf.engine().runKernel(WebGPUKernelName.batchNormEval, { x: t.x, ...common }, { epsilon: EPSILON }) as tf.Tensor);
    expect([train.dispatches, grad.dispatches, evaluated.dispatches]).toEqual([2, 2, 1]);
    tf.dispose([...train.result, ...grad.result, evaluated.result, ...Object.values(t)]);
  });

  it('leaks no tensor and no GPU buffer over repeated calls', async () => {
    const t = await inputs();
    const run = () => {
      const { train, grad, evaluated } = step(t);
      tf.dispose([...train, ...grad, evaluated]);
    };
    run();
    const before = await gpuFootprint();
    for (let i = 0; i < 5; i++) run();
    expect(await gpuFootprint()).toEqual(before);
    tf.dispose(Object.values(t));
  });
});
