import * as tf from '@tensorflow/tfjs-core';

/** Row L2 norms of a [C, D] weight, [C, 1]. */
function rowNorms(weight: tf.Tensor2D): tf.Tensor2D {
  return tf.sqrt(tf.sum(tf.square(weight), 1, true)) as tf.Tensor2D;
}

/**
 * MaxNorm projection (ALGORITHMS.md L): rows with ‖w_k‖ > threshold rescaled to norm `threshold`, the others
 * untouched. A scalar tensor threshold keeps the projection on the device (no read back, as webgpu needs).
 */
export function maxNormProject(weight: tf.Tensor2D, threshold: number | tf.Scalar): tf.Tensor2D {
  return tf.tidy(() => {
    const norms = rowNorms(weight);
    const factor = tf.where(tf.greater(norms, threshold), tf.div(threshold, norms), tf.onesLike(norms));
    return tf.mul(weight, factor) as tf.Tensor2D;
  });
}

/** `maxNormThreshold` as a scalar tensor, computed on the device without reading the weights back. */
export function maxNormThresholdTensor(weight: tf.Tensor2D, relative = 0.1): tf.Scalar {
  return tf.tidy(() => {
    const norms = rowNorms(weight);
    const low = tf.min(norms);
    return tf.add(low, tf.mul(relative, tf.sub(tf.max(norms), low))) as tf.Scalar;
  });
}

/** The MaxNorm threshold min‖w_k‖ + relative·(max − min), taken once from the stage-2 starting classifier. */
export function maxNormThreshold(weight: tf.Tensor2D, relative = 0.1): number {
  const threshold = maxNormThresholdTensor(weight, relative);
  const value = threshold.dataSync()[0];
  threshold.dispose();
  return value;
}
