import * as tf from '@tensorflow/tfjs-core';
import { countsOf, labelTensor, perSampleCrossEntropy } from './tensors.js';

/** log(π_k^τ + 1e-12) with π = n / Σn, in float64 (the reference's form of τ·log π, ALGORITHMS.md L). */
export function logPriorAdjustment(classCounts: ArrayLike<number>, tau = 1): Float64Array {
  const counts = countsOf('logit adjustment', classCounts);
  const total = counts.reduce((a, b) => a + b, 0);
  return Float64Array.from(counts, (n) => Math.log((n / total) ** tau + 1e-12));
}

/** Mean CE of `logits + log(π^τ + 1e-12)` (Menon et al.'s logit-adjusted loss), a `tf.Scalar`. */
export function logitAdjustedLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D | ArrayLike<number>,
  classCounts: ArrayLike<number>,
  tau = 1,
): tf.Scalar {
  const adjustment = logPriorAdjustment(classCounts, tau);
  return tf.tidy(() => tf.mean(perSampleCrossEntropy(tf.add(logits, tf.tensor1d(Array.from(adjustment))), labelTensor(labels))));
}

/** Post-hoc logit adjustment: `logits − log(π^τ + 1e-12)` (predict with its argmax). */
export function posthocLogitAdjust(logits: tf.Tensor2D, classCounts: ArrayLike<number>, tau = 1): tf.Tensor2D {
  const adjustment = logPriorAdjustment(classCounts, tau);
  return tf.tidy(() => tf.sub(logits, tf.tensor1d(Array.from(adjustment))));
}

/** Balanced Softmax (Ren et al.): mean CE of `logits + log n`, a `tf.Scalar`. */
export function balancedSoftmaxLoss(logits: tf.Tensor2D, labels: tf.Tensor1D | ArrayLike<number>, classCounts: ArrayLike<number>): tf.Scalar {
  const logCounts = Float64Array.from(countsOf('balancedSoftmaxLoss', classCounts), Math.log);
  return tf.tidy(() => tf.mean(perSampleCrossEntropy(tf.add(logits, tf.tensor1d(Array.from(logCounts))), labelTensor(labels))));
}
