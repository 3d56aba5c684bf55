import * as tf from '@tensorflow/tfjs-core';
import { classBalancedWeights, labelTensor } from '@lt/logit-adjust';

/**
 * Element-wise binary cross-entropy of probabilities, with torch's `binary_cross_entropy` numerics: logs clamped at
 * −100 in the value, and the gradient (p − t) / max((1 − p)·p, 1e-12), so a saturated softmax (p = 1 in float32)
 * gives a finite gradient instead of 0·∞.
 */
const binaryCrossEntropy = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [p, target, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([p, target]);
  const logP = tf.maximum(tf.log(p), -100);
  const logNotP = tf.maximum(tf.log(tf.sub(1, p)), -100);
  const value = tf.neg(tf.add(tf.mul(target, logP), tf.mul(tf.sub(1, target), logNotP)));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [probability, t] = saved;
      const denominator = tf.maximum(tf.mul(tf.sub(1, probability), probability), 1e-12);
      return [tf.mul(dy, tf.div(tf.sub(probability, t), denominator)), tf.zerosLike(t)];
    },
  };
});

/**
 * The reference's class-balanced loss, `CB_loss` with loss_type 'softmax' (ALGORITHMS.md L): binary cross-entropy of
 * the softmax probabilities against one-hot labels, each sample weighted by w_{y_i} = classBalancedWeights(n, β), the
 * mean taken over all B·C entries.
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
    const bce = binaryCrossEntropy(tf.softmax(logits), tf.cast(tf.oneHot(y, weights.length), 'float32'));
    const sampleWeight = tf.expandDims(tf.gather(tf.tensor1d(Array.from(weights)), y), 1);
    return tf.mean(tf.mul(bce, sampleWeight));
  });
}
