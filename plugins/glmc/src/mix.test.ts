import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { cutMixBox } from './cutMix.js';
import { glmcMix } from './mix.js';
import { labelWeights } from './weights.js';
import { expectClose, randomTensor, take, useCpu } from './testing.fixture.js';

beforeAll(useCpu);

function views() {
  return [1, 2, 3, 4].map((seed) => randomTensor<tf.Rank.R4>([3, 4, 4, 2], seed));
}

describe('glmcMix', () => {
  it('mixes view 1 globally: λ·A₁ + (1−λ)·R₁', () => {
    const [a1, a2, r1, r2] = views();
    const lambda = 0.3;
    const mixed = glmcMix({ a1, a2, r1, r2, labelsA: [0, 1, 2], labelsR: [2, 2, 0], lambda, box: cutMixBox(lambda, 4, 4, 1, 1), labelWeights: [1, 1, 1] });
    const a = a1.dataSync();
    const r = r1.dataSync();
    expectClose(take(mixed.mixup), Array.from(a, (value, i) => lambda * value + (1 - lambda) * r[i]), 1e-6);
    tf.dispose([a1, a2, r1, r2, mixed.cutmix, mixed.targets, mixed.weightedTargets]);
  });

  it('mixes view 2 locally: A₂ outside the box, R₂ inside', () => {
    const [a1, a2, r1, r2] = views();
    const box = { top: 0, bottom: 2, left: 1, right: 4 };
    const mixed = glmcMix({ a1, a2, r1, r2, labelsA: [0, 1, 2], labelsR: [2, 2, 0], lambda: 0.6, box, labelWeights: [1, 1, 1] });
    const out = take(mixed.cutmix);
    const a = a2.dataSync();
    const r = r2.dataSync();
    out.forEach((value, i) => {
      const row = Math.floor(i / 8) % 4;
      const col = Math.floor(i / 2) % 4;
      const inside = row < 2 && col >= 1;
      expect(value).toBe(inside ? r[i] : a[i]);
    });
    tf.dispose([a1, a2, r1, r2, mixed.mixup, mixed.targets, mixed.weightedTargets]);
  });

  it('builds y = λ·onehot(A) + (1−λ)·onehot(R) and y^w with the label weights, not renormalised', () => {
    const [a1, a2, r1, r2] = views();
    const counts = [100, 60, 10];
    const w = labelWeights(counts, 1.2);
    const lambda = 0.25;
    const mixed = glmcMix({ a1, a2, r1, r2, labelsA: [0, 1, 2], labelsR: [2, 1, 0], lambda, box: cutMixBox(lambda, 4, 4, 0, 0), labelWeights: w });
    expectClose(take(mixed.targets), [0.25, 0, 0.75, 0, 1, 0, 0.75, 0, 0.25], 1e-7);
    const weighted = take(mixed.weightedTargets);
    expectClose(
      weighted,
      [0.25 * w[0], 0, 0.75 * w[2], 0, 0.25 * w[1] + 0.75 * w[1], 0, 0.75 * w[0], 0, 0.25 * w[2]],
      1e-6,
    );
    // Row sums are Σ of weighted shares, e.g. 0.25·0.160 + 0.75·2.543 ≈ 1.95: no renormalisation.
    expect(weighted[0] + weighted[2]).toBeGreaterThan(1.9);
    tf.dispose([a1, a2, r1, r2, mixed.mixup, mixed.cutmix]);
  });

  it('rejects views of different shapes and labels of the wrong length or class', () => {
    const [a1, a2, r1] = views();
    const small = tf.zeros([3, 4, 4, 1]) as tf.Tensor4D;
    const base = { a1, a2, r1, r2: small, labelsA: [0, 1, 2], labelsR: [0, 1, 2], lambda: 0.5, box: cutMixBox(0.5, 4, 4, 0, 0), labelWeights: [1, 1, 1] };
    expect(() => glmcMix(base)).toThrow(/r2 has shape \[3,4,4,1\]/);
    expect(() => glmcMix({ ...base, r2: r1, labelsR: [0, 1] })).toThrow(/3 labels for A and 2 for R/);
    expect(() => glmcMix({ ...base, r2: r1, labelsR: [0, 1, 3] })).toThrow(/labels of pair 2 are 2 and 3/);
    tf.dispose([a1, a2, r1, small]);
  });
});
