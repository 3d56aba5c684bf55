import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { boxArea, cutMixBox, pasteBox, sampleCutMixBox } from './cutMix.js';
import { glmcMix } from './mix.js';
import { scriptedRng, take, useCpu } from './testing.fixture.js';

beforeAll(useCpu);

describe('cutMixBox', () => {
  it('cuts ceil(size·√(1−λ)) and keeps ⌊cut/2⌋ on each side of the centre', () => {
    // λ = 0.75: cut = ceil(32·0.5) = 16, 8 on each side.
    expect(cutMixBox(0.75, 32, 32, 10, 20)).toEqual({ top: 2, bottom: 18, left: 12, right: 28 });
    // λ = 0.5: cut = ceil(22.63) = 23, ⌊23/2⌋ = 11 on each side: an odd cut gives a 22-pixel box, as in [G].
    const box = cutMixBox(0.5, 32, 32, 16, 16);
    expect(box).toEqual({ top: 5, bottom: 27, left: 5, right: 27 });
    expect(box.bottom - box.top).toBe(22);
  });

  it('clips the box to the image', () => {
    expect(cutMixBox(0.5, 32, 32, 0, 31)).toEqual({ top: 0, bottom: 11, left: 20, right: 32 });
    expect(cutMixBox(0, 32, 32, 16, 16)).toEqual({ top: 0, bottom: 32, left: 0, right: 32 });
    expect(cutMixBox(0, 32, 32, 3, 30)).toEqual({ top: 0, bottom: 19, left: 14, right: 32 });
  });

  it('is empty at λ = 1 (nothing is pasted)', () => {
    const box = cutMixBox(1, 32, 32, 7, 9);
    expect(box.bottom - box.top).toBe(0);
    expect(box.right - box.left).toBe(0);
  });

  it('sizes rows from the height and columns from the width (NHWC mapping of the NCHW reference)', () => {
    // H = 8, W = 4, λ = 0.75: rows cut ceil(8·0.5) = 4 (±2), columns ceil(4·0.5) = 2 (±1).
    expect(cutMixBox(0.75, 8, 4, 3, 1)).toEqual({ top: 1, bottom: 5, left: 0, right: 2 });
  });

  it('draws the row centre first, then the column centre, uniformly over the pixels', () => {
    expect(sampleCutMixBox(0.75, 8, 4, scriptedRng([3, 1]))).toEqual(cutMixBox(0.75, 8, 4, 3, 1));
    expect(() => sampleCutMixBox(0.75, 8, 4, scriptedRng([3, 4]))).toThrow(/no answer below 4/);
  });

  it('rejects λ outside [0, 1] and non-integer sizes', () => {
    expect(() => cutMixBox(1.5, 32, 32, 0, 0)).toThrow(/lambda must lie in \[0, 1\]/);
    expect(() => cutMixBox(0.5, 31.5, 32, 0, 0)).toThrow(/height must be a positive integer/);
  });
});

describe('pasteBox', () => {
  it("pastes the source's pixels inside the box, in every channel and every image of the batch", () => {
    const target = tf.zeros([2, 4, 5, 3]) as tf.Tensor4D;
    const source = tf.tidy(() => tf.reshape(tf.add(tf.range(0, 120), 1), [2, 4, 5, 3])) as tf.Tensor4D;
    const box = { top: 1, bottom: 3, left: 2, right: 5 };
    const out = take(pasteBox(target, source, box));
    const src = take(source);
    target.dispose();
    for (let b = 0; b < 2; b++)
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 5; c++)
          for (let ch = 0; ch < 3; ch++) {
            const i = ((b * 4 + r) * 5 + c) * 3 + ch;
            const inside = r >= 1 && r < 3 && c >= 2 && c < 5;
            expect(out[i]).toBe(inside ? src[i] : 0);
          }
  });

  it('copies the target exactly when the box is empty', () => {
    const target = tf.tensor4d([0.1, -2.5, 3e-7, 8], [1, 2, 2, 1]);
    const source = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    expect(take(pasteBox(target, source, { top: 1, bottom: 1, left: 0, right: 2 }))).toEqual(take(target));
    source.dispose();
  });
});

describe('the label mix', () => {
  it('uses λ, not the realised area of the box', () => {
    const views = [0, 1, 2, 3].map(() => tf.zeros([2, 8, 8, 1]) as tf.Tensor4D);
    const lambda = 0.5;
    const box = cutMixBox(lambda, 8, 8, 0, 0); // clipped at the corner: covers 9/64 of the image, not 1/2
    expect(boxArea(box, 8, 8)).toBeCloseTo(9 / 64, 12);
    const [a1, a2, r1, r2] = views;
    const mixed = glmcMix({ a1, a2, r1, r2, labelsA: [0, 1], labelsR: [2, 2], lambda, box, labelWeights: [1, 1, 1] });
    expect(take(mixed.targets)).toEqual([0.5, 0, 0.5, 0, 0.5, 0.5]);
    tf.dispose([...views, mixed.mixup, mixed.cutmix, mixed.weightedTargets]);
  });
});
