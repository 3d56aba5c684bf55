import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from '../types/context.js';

/** Mean softmax cross-entropy of `logits` [B, C] against integer `labels` [B]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D | number[]): tf.Scalar {
  return tf.tidy(() => {
    const numClasses = logits.shape[1];
    const y = Array.isArray(labels) ? tf.tensor1d(labels, 'int32') : tf.cast(labels, 'int32');
    return softCrossEntropy(logits, tf.cast(tf.oneHot(y, numClasses), 'float32') as tf.Tensor2D);
  });
}

/** Soft cross-entropy −mean_i Σ_c y_ic·log softmax(z_i)_c (ALGORITHMS.md D.8); targets need not sum to 1. */
export function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/** The engine's default loss: cross-entropy of the stage head's logits against the batch's hard or soft labels. */
export const crossEntropyLoss: LossFn = (step) => {
  const logits = step.logits(step.batch.x);
  return step.batch.targets !== undefined
    ? softCrossEntropy(logits, step.batch.targets)
    : softmaxCrossEntropy(logits, step.batch.labels);
};
