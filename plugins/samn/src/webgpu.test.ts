// SAMN on the webgpu backend (Dawn over SwiftShader, a CPU Vulkan driver): the fit runs in lt's LtIsotonic and
// LtIsotonicGrad kernels, reads nothing back, and must give what the JS fit gives on cpu. Every input is a plain
// array turned into a tensor on the active backend: webgpu has no synchronous read in Node.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { isotonicAlong, IsotonicKernel, pavaTensor } from './pavaTensor.js';
import { SamnHead } from './head.js';
import type { ScalingClamp } from './samnLogits.js';
import { expectClose, linearHead, meanCrossEntropy, reference, uniform } from './reference.fixture.js';
import { onCpuAndWebGPU as onBoth } from '../../../test/support/webgpuParity.js';


function expectPairsClose({ cpu, gpu }: { cpu: number[][]; gpu: number[][] }, tolerance = 1e-4): void {
  expect(gpu.length).toBe(cpu.length);
  cpu.forEach((expected, i) => expectClose(gpu[i], expected, tolerance));
}

/** The fit and its gradient against `upstream`, along `order` with `weights`, as one step for onBoth. */
function fitAndGrad(x: number[], upstream: number[], order?: number[], weights?: number[]): () => tf.Tensor[] {
  const ordered = order === undefined ? undefined : Int32Array.from(order);
  const weighted = weights === undefined ? undefined : Float64Array.from(weights);
  return () => {
    const fit = (v: tf.Tensor) => isotonicAlong(v as tf.Tensor1D, ordered, weighted, 'x');
    const input = tf.tensor1d(x);
    return [fit(input), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fit(v), tf.tensor1d(upstream))))(input)];
  };
}

const random = uniform(11);
const vector = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
function permutation(n: number): number[] {
  const p = vector(n, (i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const shapes: Record<string, (n: number) => number[]> = {
  random: (n) => vector(n, () => random() * 4 - 2),
  // Falling runs of 50 on a rising trend: long pooled blocks.
  'long pooled runs': (n) => vector(n, (i) => Math.floor(i / 50) - (i % 50) * 0.05 + random() * 0.01),
  // Small integers: many exact ties between values and between block means.
  ties: (n) => vector(n, () => Math.floor(random() * 4)),
};

afterEach(async () => {
  await selectBackend('cpu');
});

describe('pavaTensor on webgpu', () => {
  for (const [shape, make] of Object.entries(shapes)) {
    for (const n of [1, 7, 100, 1000]) {
      it(`matches cpu, fit and gradient: ${shape}, n = ${n}, plain, along an order, weighted`, async () => {
        const [x, upstream, order, weights] = [make(n), vector(n, () => random() * 2 - 1), permutation(n), vector(n, () => 0.5 + random())];
        expectPairsClose(await onBoth(fitAndGrad(x, upstream)));
        expectPairsClose(await onBoth(fitAndGrad(x, upstream, order)));
        expectPairsClose(await onBoth(fitAndGrad(x, upstream, order, weights)));
      });
    }
  }

  it('gives the reference cases, and runs one fit and one gradient kernel per pass', async () => {
    for (const c of reference.pava) {
      const { gpu } = await onBoth(fitAndGrad(c.y, c.upstream));
      expectClose(gpu[0], c.z);
      expectClose(gpu[1], c.grad);
    }
    const profile = await tf.profile(() => tf.tidy(fitAndGrad([3, 1, 2], [1, 2, 3])));
    tf.dispose(profile.result as tf.Tensor[]);
    const names = profile.kernels.map((k) => k.name);
    // Two fits (the value, and the one under tf.grad), one gradient.
    expect(names.filter((k) => k === IsotonicKernel.fit)).toHaveLength(2);
    expect(names.filter((k) => k === IsotonicKernel.grad)).toHaveLength(1);
  });

  it('leaves no tensors behind', async () => {
    await selectBackend('webgpu');
    const step = () => tf.dispose(tf.tidy(fitAndGrad([0.3, -0.2, 0.9, 0.1], [1, 1, 1, 1], [3, 2, 1, 0], [1, 2, 1, 2])));
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    const x = tf.tensor1d([2, 1]);
    tf.dispose([pavaTensor(x), x]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('SamnHead on webgpu', () => {
  // Forward and backward of a SAMN head built from a plain linear head, inputs from plain arrays.
  const headStep = (weight: number[][], bias: number[], counts: number[], x: number[][], labels: number[], maxScaling?: number) => () => {
    const head = new SamnHead(linearHead(weight, bias), counts, { maxScaling, onClamp: () => undefined });
    const features = tf.tensor2d(x);
    const { value, grads } = tf.variableGrads(() => meanCrossEntropy(head.apply(features), labels));
    const out = [head.apply(features), value, ...head.parameters().map((p) => grads[p.variable.name])];
    head.dispose();
    return out;
  };

  it('matches cpu on the reference heads: logits, loss and every parameter gradient', async () => {
    for (const c of reference.samn_linear) {
      const [, dim] = c.shape;
      const rows = (v: number[]) => vector(v.length / dim, (i) => v.slice(i * dim, (i + 1) * dim));
      expectPairsClose(await onBoth(headStep(rows(c.weight), c.bias, c.counts, rows(c.x), c.labels)));
    }
  });

  it('matches cpu on 200 classes with tied counts, and reports a clamp asynchronously', async () => {
    const [classes, dim, batch] = [200, 16, 32];
    const weight = vector(classes, () => vector(dim, () => random() - 0.5));
    const bias = vector(classes, () => random() - 0.5);
    const counts = vector(classes, () => 1 + Math.floor(random() * 20));
    const x = vector(batch, () => vector(dim, () => random() * 2 - 1));
    const labels = vector(batch, () => Math.floor(random() * classes));
    expectPairsClose(await onBoth(headStep(weight, bias, counts, x, labels)));
    // freq init puts s near 1/(softplus(1)+2e-6) ≈ 0.76 for the most frequent classes: a cap of 0.5 clamps them.
    expectPairsClose(await onBoth(headStep(weight, bias, counts, x, labels, 0.5)));
    await selectBackend('webgpu');
    const clamps: ScalingClamp[] = [];
    const head = new SamnHead(linearHead(weight, bias), counts, { maxScaling: 0.5, biasBranch: false, onClamp: (c) => clamps.push(c) });
    const logits = head.apply(tf.tensor2d(x));
    expect(clamps).toEqual([]);
    await logits.data();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(clamps.map((c) => c.branch)).toEqual(['weight']);
    expect(clamps[0].classes.length).toBeGreaterThan(0);
    tf.dispose(logits);
    head.dispose();
  });
});
