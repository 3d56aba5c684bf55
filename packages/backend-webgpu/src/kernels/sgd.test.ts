import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expectClose, gpuFootprint, onBoth, useWebGPU, values } from '../gpu.test-util.js';
import { WebGPUKernelName } from './names.js';

// PyTorch's SGD written with tf ops: the reference the fused kernel must match.
function reference(p: tf.Tensor, g: tf.Tensor, buf: tf.Tensor, lr: number, momentum: number, wd: number, first: boolean): tf.Tensor[] {
  const d = tf.add(g, tf.mul(p, wd));
  const b = first ? d : tf.add(tf.mul(buf, momentum), d);
  return [tf.sub(p, tf.mul(b, lr)), b];
}

describe('LtSgdMomentum on webgpu', () => {
  // 1000 values: not a multiple of the workgroup; 70001: several hundred workgroups.
  for (const size of [1, 1000, 70001]) {
    for (const first of [true, false]) {
      it(`matches the tf-op update (${size} values, ${first ? 'first step' : 'with a buffer'})`, async () => {
        const [p, g, b] = [values([size], 1), values([size], 2), values([size], 3)];
        const { cpu, gpu } = await onBoth(() => {
          const [param, grad, buffer] = [tf.tensor(p), tf.tensor(g), tf.tensor(b)];
          if (tf.getBackend() === 'cpu') return reference(param, grad, buffer, 0.1, 0.9, 5e-4, first);
          return tf.engine().runKernel(WebGPUKernelName.sgdMomentum, { param, grad, buffer }, { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, first }) as tf.Tensor[];
        });
        expectClose(gpu, cpu, 1e-6);
      });
    }
  }

  it('leaks no tensor and no GPU buffer over repeated steps', async () => {
    await useWebGPU();
    const param = tf.variable(tf.randomNormal([4096]));
    const buffer = tf.variable(tf.zeros([4096]));
    const step = () =>
      tf.tidy(() => {
        const grad = tf.randomNormal([4096]);
        const [p, b] = tf.engine().runKernel(WebGPUKernelName.sgdMomentum, { param, grad, buffer }, { lr: 0.1, momentum: 0.9, weightDecay: 0, first: false }) as tf.Tensor[];
        param.assign(p);
        buffer.assign(b);
      });
    step();
    const before = await gpuFootprint();
    for (let i = 0; i < 5; i++) step();
    expect(await gpuFootprint()).toEqual(before);
    tf.dispose([param, buffer]);
  });
});
