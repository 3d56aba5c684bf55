import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expectClose, gpuFootprint, useWebGPU } from '../gpu.test-util.js';
import { WebGPUKernelName } from './names.js';

interface Fit {
  fitted: number[];
  start: number[];
  end: number[];
}

// Runs LtIsotonic (inputs made on cpu, see gpu.test-util) and reads its three outputs back.
async function fit(x: number[], order?: number[], weights?: number[]): Promise<Fit> {
  await tf.setBackend('cpu');
  const inputs = { x, ...(order === undefined ? {} : { order }), ...(weights === undefined ? {} : { weights }) };
  const held = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor1d(v)]));
  await useWebGPU();
  const out = tf.engine().runKernel(WebGPUKernelName.isotonic, held, {}) as tf.Tensor[];
  const [fitted, start, end] = await Promise.all(out.map(async (t) => Array.from(await t.data())));
  tf.dispose([...out, ...Object.values(held)]);
  return { fitted, start, end };
}

// Runs LtIsotonicGrad on LtIsotonic's bounds of x.
async function grad(x: number[], dy: number[], order?: number[], weights?: number[]): Promise<number[]> {
  const { start, end } = await fit(x, order, weights);
  await tf.setBackend('cpu');
  const extra = { ...(order === undefined ? {} : { order }), ...(weights === undefined ? {} : { weights }) };
  const held = Object.fromEntries(Object.entries({ dy, blockStart: start, blockEnd: end, ...extra }).map(([k, v]) => [k, tf.tensor1d(v)]));
  await useWebGPU();
  const dx = tf.engine().runKernel(WebGPUKernelName.isotonicGrad, held, {}) as tf.Tensor;
  const values = Array.from(await dx.data());
  tf.dispose([dx, ...Object.values(held)]);
  return values;
}

describe('LtIsotonic and LtIsotonicGrad on webgpu', () => {
  it('pools violators and leaves equal neighbours apart', async () => {
    expect(await fit([1, 3, 2, 4])).toEqual({ fitted: [1, 2.5, 2.5, 4], start: [0, 1, 1, 3], end: [1, 3, 3, 4] });
    // [5, 2, 2] pools to 3; the next block [6, 0] also averages 3 and stays a block of its own.
    const tied = await fit([1, 5, 2, 2, 6, 0, 7]);
    expect(tied.fitted).toEqual([1, 3, 3, 3, 3, 3, 7]);
    expect(tied.start).toEqual([0, 1, 1, 1, 4, 4, 6]);
    expect(await fit([2, 2, 2])).toEqual({ fitted: [2, 2, 2], start: [0, 1, 2], end: [1, 2, 3] });
    expect(await fit([0.5])).toEqual({ fitted: [0.5], start: [0], end: [1] });
  });

  it('weighs the pooled mean and splits the block gradient by w_j / W_B', async () => {
    expectClose([(await fit([4, 2, 1, 5], undefined, [2, 1, 1, 1])).fitted], [[2.75, 2.75, 2.75, 5]], 1e-6);
    expectClose([await grad([4, 2, 1, 5], [1, 2, 3, 4], undefined, [2, 1, 1, 1])], [[3, 1.5, 1.5, 4]], 1e-6);
    expectClose([await grad([1, 5, 2, 2, 6, 0, 7], [1, 2, 3, 4, 5, 6, 7])], [[1, 3, 3, 3, 5.5, 5.5, 7]], 1e-6);
  });

  it('fits along an order and answers in index order, bounds in sorted positions', async () => {
    // Sorted along order [2, 0, 1]: [1, 3, 2] → [1, 2.5, 2.5]; elements 0 and 1 share sorted positions [1, 3).
    expect(await fit([3, 2, 1], [2, 0, 1])).toEqual({ fitted: [2.5, 2.5, 1], start: [1, 1, 0], end: [3, 3, 1] });
    // Weights by sorted position: elements 0 and 1 (positions 1, 2) weigh 1 and 3 of their block's 4.
    expectClose([await grad([3, 2, 1], [10, 20, 30], [2, 0, 1], [5, 1, 3])], [[7.5, 22.5, 30]], 1e-6);
  });

  // 3000 values: each of the workgroup's threads writes several; the bounds must tile the positions and the fit must be
  // the mean of each block, strictly increasing from block to block.
  it('gives a valid isotonic fit of 3000 values along a permutation', async () => {
    const n = 3000;
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    // A rising trend along the order under noise: many blocks, some long.
    const x: number[] = new Array(n);
    order.forEach((k, p) => (x[k] = p * 0.002 + Math.sin(p * 12.9898)));
    const { fitted, start, end } = await fit(x, order);
    const sorted = (values: number[]) => order.map((k) => values[k]);
    const [z, s, e, y] = [sorted(fitted), sorted(start), sorted(end), sorted(x)];
    let blocks = 0;
    let previous = -Infinity;
    for (let p = 0; p < n; p = e[p]) {
      expect(s[p]).toBe(p);
      expect(e.slice(p, e[p]).every((v) => v === e[p])).toBe(true);
      const mean = y.slice(p, e[p]).reduce((a, b) => a + b, 0) / (e[p] - p);
      expect(Math.abs(z[p] - mean)).toBeLessThan(1e-4);
      expect(z[p]).toBeGreaterThan(previous);
      previous = z[p];
      blocks++;
    }
    expect(blocks).toBeGreaterThan(100);
  });

  it('leaks no tensor and no GPU buffer', async () => {
    await fit([3, 1, 2]);
    await useWebGPU();
    const before = await gpuFootprint();
    await fit([3, 1, 2], [2, 1, 0], [1, 2, 3]);
    await grad([3, 1, 2], [1, 1, 1]);
    await useWebGPU();
    expect(await gpuFootprint()).toEqual(before);
  });
});
