import * as tf from '@tensorflow/tfjs-core';
import { classBalancedWeights, labelTensor } from '@lt/logit-adjust';

/**
 * The reference's class-balanced loss, `CB_loss` with loss_type 'softmax' (ALGORITHMS.md L): binary cross-entropy of
 * the softmax probabilities against one-hot labels, each sample weighted by w_{y_i} = classBalancedWeights(n, β), the
 * mean taken over all B·C entries; logs clamped at −100 as torch's binary_cross_entropy does.
 */
export function cbSoftmaxLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D | ArrayLike<number>,
  classCounts: ArrayLike<number>,
  beta = 0.9999,
): tf.Scalar {
  const weights = classBalancedWeights(classCounts, beta);
  return tf.tidy(() => {
    const y = labelTensor(labels);
    const target = tf.oneHot(y, weights.length);
    const p = tf.softmax(logits);
    const logP = tf.maximum(tf.log(p), -100);
    const logNotP = tf.maximum(tf.log(tf.sub(1, p)), -100);
    const bce = tf.neg(tf.add(tf.mul(target, logP), tf.mul(tf.sub(1, target), logNotP)));
    const sampleWeight = tf.expandDims(tf.gather(tf.tensor1d(Array.from(weights)), y), 1);
    return tf.mean(tf.mul(bce, sampleWeight));
  });
}
