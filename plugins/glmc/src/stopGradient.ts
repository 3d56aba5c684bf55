import * as tf from '@tensorflow/tfjs-core';

// TensorFlow.js has no stop-gradient op: an identity whose gradient is zero does the same job inside a tape.
const identityWithoutGradient = tf.customGrad((...inputs) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** Returns a copy of `x` through which no gradient flows (PyTorch's `.detach()`, SimSiam's stop-gradient). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}
