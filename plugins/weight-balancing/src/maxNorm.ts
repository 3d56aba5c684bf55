import * as tf from '@tensorflow/tfjs-core';

/** Row L2 norms of a [C, D] weight, [C, 1]. */
function rowNorms(weight: tf.Tensor2D): tf.Tensor2D {
  return tf.sqrt(tf.sum(tf.square(weight), 1, true)) as tf.Tensor2D;
}

/** MaxNorm projection (ALGORITHMS.md L): rows with ‖w_k‖ > threshold rescaled to norm `threshold`, the others untouched. */
export function maxNormProject(weight: tf.Tensor2D, threshold: number): tf.Tensor2D {
  return tf.tidy(() => {
    const norms = rowNorms(weight);
    const factor = tf.where(tf.greater(norms, threshold), tf.div(threshold, norms), tf.onesLike(norms));
    return tf.mul(weight, factor) as tf.Tensor2D;
  });
}

/** The MaxNorm threshold min‖w_k‖ + relative·(max − min), taken once from the stage-2 starting classifier. */
export function maxNormThreshold(weight: tf.Tensor2D, relative = 0.1): number {
  const norms = tf.tidy(() => rowNorms(weight));
  const values = Array.from(norms.dataSync());
  norms.dispose();
  const low = Math.min(...values);
  return low + relative * (Math.max(...values) - low);
}
