import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initialRaw, monotoneScaling } from './monotoneScaling.js';
import { samnLogits, type SamnParameters, type ScalingClamp } from './samnLogits.js';
import { backends, expectClose, meanCrossEntropy, reference, take, uniform, useBackend, worked } from './reference.fixture.js';

interface Plain {
  weight: number[][];
  bias: number[];
  rawWeight: ArrayLike<number>;
  rawBias: ArrayLike<number>;
}

function tensors(p: Plain): Required<SamnParameters> {
  return {
    weight: tf.tensor2d(p.weight),
    bias: tf.tensor1d(p.bias),
    rawWeight: tf.tensor1d(Array.from(p.rawWeight)),
    rawBias: tf.tensor1d(Array.from(p.rawBias)),
  };
}

function rows(flat: number[], columns: number): number[][] {
  return Array.from({ length: flat.length / columns }, (_, r) => flat.slice(r * columns, (r + 1) * columns));
}

describe.each(backends)('samnLogits on %s', (backend) => {
  it('matches the reference PAVALinear: logits, mean CE and the gradients of all four parameters', async () => {
    await useBackend(backend);
    for (const c of reference.samn_linear) {
      const [batch, dim, classes] = c.shape;
      const params = tensors({ weight: rows(c.weight, dim), bias: c.bias, rawWeight: c.raw_w, rawBias: c.raw_b });
      const x = tf.tensor2d(rows(c.x, dim));
      expect(x.shape).toEqual([batch, dim]);
      const logits = samnLogits(x, params, c.counts);
      expect(logits.shape).toEqual([batch, classes]);
      expectClose(take(logits), c.logits);
      const loss = (weight: tf.Tensor, bias: tf.Tensor, rawWeight: tf.Tensor, rawBias: tf.Tensor) =>
        meanCrossEntropy(
          samnLogits(x, { weight, bias, rawWeight, rawBias } as SamnParameters, c.counts),
          c.labels,
        );
      const { value, grads } = tf.valueAndGrads(loss)([params.weight, params.bias, params.rawWeight, params.rawBias]);
      expectClose(take(value), [c.loss]);
      const [gWeight, gBias, gRawWeight, gRawBias] = grads.map(take);
      expectClose(gWeight, c.grad_weight);
      expectClose(gBias, c.grad_bias);
      expectClose(gRawWeight, c.grad_raw_w);
      expectClose(gRawBias, c.grad_raw_b);
      tf.dispose([x, ...Object.values(params)]);
    }
  });

  it('gives the worked forward pass of ALGORITHMS.md I.9', async () => {
    await useBackend(backend);
    const raw = initialRaw(worked.counts);
    const params = tensors({ ...worked, rawWeight: raw, rawBias: raw });
    const x = tf.tensor2d([[1, 1]]);
    expectClose(take(samnLogits(x, params, worked.counts)), [5.239367, 7.73041, 8.364128]);
    // W̃ = logits of unit vectors minus b̃; b̃ = logits of x = 0.
    const zero = tf.zeros([1, 2]) as tf.Tensor2D;
    const effectiveBias = take(samnLogits(zero, params, worked.counts));
    expectClose(effectiveBias, [2.241403, 3.865205, 4.132064]);
    const unit = tf.tensor2d([[1, 0], [0, 1]]);
    const columns = take(samnLogits(unit, params, worked.counts)).map((v, i) => v - effectiveBias[i % 3]);
    expectClose(columns, [1.284842, 3.865205, 0, 1.713122, 0, 4.232064]);
    tf.dispose([x, zero, unit, ...Object.values(params)]);
  });

  it('uses max(s, 1e-6) as the magnitude in mul mode', async () => {
    await useBackend(backend);
    const raw = initialRaw(worked.counts);
    const params = tensors({ ...worked, rawWeight: raw, rawBias: raw });
    const s = take(monotoneScaling(params.rawWeight, worked.counts));
    const unit = tf.tensor2d([[1, 0], [0, 1]]);
    const zero = tf.zeros([1, 2]) as tf.Tensor2D;
    const bias = take(samnLogits(zero, params, worked.counts, 'mul'));
    expectClose(bias, worked.bias.map((b, k) => b + s[k]));
    const columns = take(samnLogits(unit, params, worked.counts, 'mul')).map((v, i) => v - bias[i % 3]);
    expectClose(columns, [0.6 * s[0], s[1], 0, 0.8 * s[0], 0, s[2]]);
    tf.dispose([unit, zero, ...Object.values(params)]);
  });

  it("drops the bias offset without the bias branch (the paper's description)", async () => {
    await useBackend(backend);
    const raw = initialRaw(worked.counts);
    const { rawBias, ...params } = tensors({ ...worked, rawWeight: raw, rawBias: raw });
    const zero = tf.zeros([1, 2]) as tf.Tensor2D;
    expectClose(take(samnLogits(zero, params, worked.counts, 'exp', { biasBranch: false })), worked.bias);
    expect(() => samnLogits(zero, params, worked.counts)).toThrow(/rawBias is missing/);
    tf.dispose([zero, rawBias, ...Object.values(params)]);
  });

  it('gives the same per-class logits when classes are shuffled together with their counts', async () => {
    await useBackend(backend);
    const random = uniform(9);
    const counts = [40, 900, 3, 77, 12];
    const dim = 3;
    const p: Plain = {
      weight: counts.map(() => Array.from({ length: dim }, () => random() - 0.5)),
      bias: counts.map(() => random() - 0.5),
      rawWeight: counts.map(() => random() * 2 - 1),
      rawBias: counts.map(() => random() * 2 - 1),
    };
    const x = tf.tensor2d([[0.5, -1, 2], [1, 1, 0]]);
    const base = tensors(p);
    const logits = take(samnLogits(x, base, counts));
    const permutation = [2, 4, 0, 1, 3];
    const pick = <T>(values: ArrayLike<T>) => permutation.map((k) => values[k]);
    const shuffled = tensors({ weight: pick(p.weight), bias: pick(p.bias), rawWeight: pick(p.rawWeight), rawBias: pick(p.rawBias) });
    const shuffledLogits = take(samnLogits(x, shuffled, pick(counts)));
    const expected = [0, 1].flatMap((b) => permutation.map((k) => logits[b * counts.length + k]));
    expectClose(shuffledLogits, expected, 1e-5);
    tf.dispose([x, ...Object.values(base), ...Object.values(shuffled)]);
  });

  it('accepts Float64Array class counts', async () => {
    await useBackend(backend);
    const raw = initialRaw(worked.counts);
    const params = tensors({ ...worked, rawWeight: raw, rawBias: raw });
    const x = tf.tensor2d([[1, 1]]);
    expectClose(take(samnLogits(x, params, Float64Array.from(worked.counts))), [5.239367, 7.73041, 8.364128]);
    tf.dispose([x, ...Object.values(params)]);
  });

  it('clamps s at maxScaling so exp(s) stays finite, reports the class, and stops its gradient', async () => {
    await useBackend(backend);
    // raw = −10 → τ ≈ 4.5e-5 → s ≈ 2.2e4: exp(s) is Infinity in float32 without the guard.
    const params = tensors({ ...worked, rawWeight: [0.5, 0.5, -10], rawBias: [0.5, 0.5, 0.5] });
    const unguarded = take(tf.exp(monotoneScaling(params.rawWeight, worked.counts)));
    expect(unguarded[2]).toBe(Infinity);
    const clamps: ScalingClamp[] = [];
    const options = { onClamp: (c: ScalingClamp) => clamps.push(c) };
    const x = tf.tensor2d([[1e-30, 1e-30]]);
    const logits = take(samnLogits(x, params, worked.counts, 'exp', options));
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(clamps[0]).toMatchObject({ branch: 'weight', classes: [2], maxScaling: 80 });
    expect(clamps[0].values[0]).toBeGreaterThan(2e4);
    // The clamped class's row of W̃ has norm exactly e^80.
    const unit = tf.tensor2d([[0, 1]]);
    const zero = tf.zeros([1, 2]) as tf.Tensor2D;
    const row = take(samnLogits(unit, params, worked.counts, 'exp', options))[2] - take(samnLogits(zero, params, worked.counts, 'exp', options))[2];
    expect(row / Math.exp(80)).toBeCloseTo(1, 3);
    const g = tf.grad((rawWeight: tf.Tensor) =>
      tf.sum(samnLogits(x, { ...params, rawWeight: rawWeight as tf.Tensor1D }, worked.counts, 'exp', options)),
    );
    const grad = take(g(params.rawWeight));
    expect(grad[2]).toBe(0);
    expect(grad.every(Number.isFinite)).toBe(true);
    // A lower cap applies to the bias branch too.
    clamps.length = 0;
    take(samnLogits(x, params, worked.counts, 'exp', { ...options, maxScaling: 1 }));
    expect(clamps.map((c) => c.branch)).toEqual(['weight', 'bias']);
    expect(() => samnLogits(x, params, worked.counts, 'exp', { maxScaling: 89 })).toThrow(/maxScaling is 89/);
    tf.dispose([x, unit, zero, ...Object.values(params)]);
  });

  it('leaks no tensors across repeated forward and gradient calls', async () => {
    await useBackend(backend);
    const c = reference.samn_linear[1];
    const [, dim] = c.shape;
    const params = tensors({ weight: rows(c.weight, dim), bias: c.bias, rawWeight: c.raw_w, rawBias: c.raw_b });
    const x = tf.tensor2d(rows(c.x, dim));
    const step = () => {
      const { value, grads } = tf.valueAndGrads((w: tf.Tensor, rw: tf.Tensor, rb: tf.Tensor) =>
        meanCrossEntropy(samnLogits(x, { ...params, weight: w as tf.Tensor2D, rawWeight: rw as tf.Tensor1D, rawBias: rb as tf.Tensor1D }, c.counts), c.labels),
      )([params.weight, params.rawWeight, params.rawBias]);
      tf.dispose([value, ...grads]);
      tf.dispose(samnLogits(x, params, c.counts, 'mul'));
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...Object.values(params)]);
  });

  it('names the mismatched shape', async () => {
    await useBackend(backend);
    const params = tensors({ ...worked, rawWeight: [0, 0, 0], rawBias: [0, 0, 0] });
    const x = tf.tensor2d([[1, 2, 3]]);
    expect(() => samnLogits(x, params, worked.counts)).toThrow(/x has shape \[1,3\] but weight has shape \[3,2\]/);
    const x2 = tf.tensor2d([[1, 2]]);
    expect(() => samnLogits(x2, params, [1, 2])).toThrow(/weight has shape \[3,2\] but there are 2 classes/);
    expect(() => samnLogits(x2, params, worked.counts, 'log' as 'exp')).toThrow(/scaleMode is 'log'/);
    tf.dispose([x, x2, ...Object.values(params)]);
  });
});
