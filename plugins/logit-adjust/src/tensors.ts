import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '@lt/core';

/** Labels as an int32 tensor (a given tensor is cast, not consumed); the caller runs this inside a tidy. */
export function labelTensor(labels: tf.Tensor1D | ArrayLike<number>): tf.Tensor1D {
  return labels instanceof tf.Tensor ? tf.cast(labels, 'int32') : tf.tensor1d(Array.from(labels), 'int32');
}

/** Class counts as float64 numbers, checked to be positive. */
export function countsOf(where: string, classCounts: ArrayLike<number>): number[] {
  const counts = Array.from(classCounts);
  const bad = counts.findIndex((n) => !(n > 0));
  if (counts.length === 0 || bad >= 0) {
    throw new LtError('BAD_COUNTS', `${where}: class counts must be positive numbers, one per class; got ${counts.length === 0 ? 'none' : `${counts[bad]} for class ${bad}`}`);
  }
  return counts;
}

/** Per-sample softmax cross-entropy −log softmax(z)_y, [B]. */
export function perSampleCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), tf.logSoftmax(logits)), 1)) as tf.Tensor1D);
}
