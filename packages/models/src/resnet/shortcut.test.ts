import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { optionAShortcut } from './shortcut.js';

describe('optionAShortcut', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  for (const [h, w] of [
    [4, 6],
    [5, 3],
  ]) {
    it(`takes x[:, ::2, ::2, :] and zero-pads channels on both sides (${h}×${w})`, () => {
      const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const y = optionAShortcut(x, 2);
      const expected = tf.pad(tf.stridedSlice(x, [0, 0, 0, 0], x.shape, [1, 2, 2, 1]), [
        [0, 0],
        [0, 0],
        [0, 0],
        [2, 2],
      ]);
      expect(y.shape).toEqual([2, Math.ceil(h / 2), Math.ceil(w / 2), 7]);
      expect(Array.from(y.dataSync())).toEqual(Array.from(expected.dataSync()));
      tf.dispose([x, y, expected]);
    });
  }

  it('routes the gradient to the kept positions only', () => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const dx = tf.grad((input: tf.Tensor) => tf.sum(optionAShortcut(input as tf.Tensor4D, 1)))(x);
    expect(Array.from(dx.dataSync())).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    tf.dispose([x, dx]);
  });
});
