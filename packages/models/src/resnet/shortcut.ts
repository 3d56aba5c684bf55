import * as tf from '@tensorflow/tfjs-core';

/**
 * The parameter-free "option A" shortcut of the CIFAR ResNets (ALGORITHMS.md B1): x[:, ::2, ::2, :], then
 * `padEachSide` zero channels before and after. Built from reshape/slice/pad, whose gradients exist on every
 * backend (tfjs has no StridedSlice gradient).
 */
export function optionAShortcut(x: tf.Tensor4D, padEachSide: number): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    let input = x;
    const [, height, width] = x.shape;
    if (height % 2 === 1 || width % 2 === 1) {
      // ::2 keeps ceil(H/2) rows: pad to even with a zero row/column that the subsampling then drops.
      input = tf.pad(input, [
        [0, 0],
        [0, height % 2],
        [0, width % 2],
        [0, 0],
      ]);
    }
    const [n, h, w, c] = input.shape;
    // [N, H, W, C] viewed as [N·H/2, 2, W/2, 2·C]: row parity on axis 1, column parity in the top half of axis 3.
    const view = tf.reshape(input, [n * (h / 2), 2, w / 2, 2 * c]);
    const evenRowsAndCols = tf.reshape<tf.Rank.R4>(tf.slice(view, [0, 0, 0, 0], [n * (h / 2), 1, w / 2, c]), [n, h / 2, w / 2, c]);
    if (padEachSide === 0) return evenRowsAndCols;
    return tf.pad<tf.Tensor4D>(evenRowsAndCols, [
      [0, 0],
      [0, 0],
      [0, 0],
      [padEachSide, padEachSide],
    ]);
  });
}
