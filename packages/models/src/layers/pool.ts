import * as tf from '@tensorflow/tfjs-core';

/** Global average pool over the spatial axes: [N, H, W, C] → [N, C]. */
export function globalAveragePool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]);
}
