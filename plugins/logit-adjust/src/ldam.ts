import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '@lt/core';
import { countsOf, labelTensor, perSampleCrossEntropy } from './tensors.js';

/** LDAM margins m_k ∝ n_k^(−1/4), scaled so the largest is `maxMargin` (kaidic/LDAM-DRW `LDAMLoss`). */
export function ldamMargins(classCounts: ArrayLike<number>, maxMargin = 0.5): Float64Array {
  const raw = countsOf('ldamMargins', classCounts).map((n) => n ** -0.25);
  const largest = Math.max(...raw);
  return Float64Array.from(raw, (m) => (m * maxMargin) / largest);
}

/** Options of `ldamLoss`. */
export interface LdamLossOptions {
  readonly maxMargin?: number;
  /** The scale s applied after the margin (reference 30, for cosine logits). */
  readonly scale?: number;
  /** Per-class weights (DRW): the loss becomes Σ w_y·ℓ / Σ w_y. */
  readonly weights?: ArrayLike<number>;
}

/** LDAM loss: CE of `scale·(z − m_y at the label column)`; weighted mean with `weights` (ALGORITHMS.md L), a `tf.Scalar`. */
export function ldamLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D | ArrayLike<number>,
  classCounts: ArrayLike<number>,
  options: LdamLossOptions = {},
): tf.Scalar {
  const { maxMargin = 0.5, scale = 30, weights } = options;
  const margins = ldamMargins(classCounts, maxMargin);
  if (weights !== undefined && weights.length !== margins.length) {
    throw new LtError('BAD_WEIGHTS', `ldamLoss: options.weights has ${weights.length} values for ${margins.length} classes; give one per class`);
  }
  return tf.tidy(() => {
    const y = labelTensor(labels);
    const marginOfLabel = tf.gather(tf.tensor1d(Array.from(margins)), y);
    const oneHot = tf.oneHot(y, margins.length);
    const adjusted = tf.sub(logits, tf.mul(oneHot, tf.expandDims(marginOfLabel, 1)));
    const losses = perSampleCrossEntropy(tf.mul(adjusted, scale) as tf.Tensor2D, y);
    if (weights === undefined) return tf.mean(losses);
    const w = tf.gather(tf.tensor1d(Array.from(weights)), y);
    return tf.div(tf.sum(tf.mul(w, losses)), tf.sum(w));
  });
}

/** Class-balanced weights (Cui et al., as LDAM-DRW's DRW uses them): (1−β)/(1−β^n_k), scaled to sum to C. */
export function classBalancedWeights(classCounts: ArrayLike<number>, beta: number): Float64Array {
  if (!(beta >= 0 && beta < 1)) throw new LtError('BAD_BETA', `classBalancedWeights: beta must be in [0, 1), got ${beta}`);
  const raw = countsOf('classBalancedWeights', classCounts).map((n) => (1 - beta) / (1 - beta ** n));
  const total = raw.reduce((a, b) => a + b, 0);
  return Float64Array.from(raw, (w) => (w / total) * raw.length);
}
