import * as tf from '@tensorflow/tfjs-core';
import { softCrossEntropy } from '@lt/core';
import { stopGradient } from './stopGradient.js';

/** What the four heads give for one mixed batch (ALGORITHMS.md D7). */
export type GlmcOutputs = {
  /** z = fc(f), [B, C]. */
  readonly logits: tf.Tensor2D;
  /** z_cb = fc_cb(f), [B, C]. */
  readonly rebalancedLogits: tf.Tensor2D;
  /** h = projection(f), [B, P]. */
  readonly projection: tf.Tensor2D;
  /** u = prediction(h), [B, P]. */
  readonly prediction: tf.Tensor2D;
};

/** The terms of the GLMC objective, each a scalar. */
export type GlmcLossTerms = {
  /** α·L_bal + (1−α)·L_rebal + κ·L_con. */
  readonly total: tf.Scalar;
  /** L_bal = SCE(z^mix, y) + SCE(z^cut, y). */
  readonly balanced: tf.Scalar;
  /** L_rebal = SCE(z_cb^mix, y^w) + SCE(z_cb^cut, y^w). */
  readonly rebalanced: tf.Scalar;
  /** L_con = −mean cos(u^mix, sg(h^cut)) − mean cos(u^cut, sg(h^mix)). */
  readonly consistency: tf.Scalar;
};

/** The weights of the GLMC objective. */
export interface GlmcLossWeights {
  /** α_e (see `cumulativeAlpha`). */
  readonly alpha: number;
  /** κ, `contrastWeight`. */
  readonly contrastWeight: number;
}

/** PyTorch's `F.cosine_similarity` eps. */
const COSINE_EPS = 1e-8;

/** Row-wise cosine similarity [B] of `a` and `b` [B, P], each norm clamped below at 1e-8 as PyTorch does. */
export function cosineSimilarity(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    // max(‖x‖, ε) written as √max(‖x‖², ε²): same value, and a finite (zero) gradient at x = 0.
    const clampedNorm = (x: tf.Tensor2D) => tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), COSINE_EPS * COSINE_EPS));
    return tf.sum(tf.mul(tf.div(a, clampedNorm(a)), tf.div(b, clampedNorm(b))), 1) as tf.Tensor1D;
  });
}

/** Returns SimSiam's negative cosine −mean cos(prediction, sg(target)): no gradient reaches `target`. */
export function negativeCosine(prediction: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(cosineSimilarity(prediction, stopGradient(target)))) as tf.Scalar);
}

/** Returns GLMC's mixture-consistency loss L_con between the MixUp and CutMix batches (ALGORITHMS.md D9). */
export function mixtureConsistency(mix: Pick<GlmcOutputs, 'projection' | 'prediction'>, cut: Pick<GlmcOutputs, 'projection' | 'prediction'>): tf.Scalar {
  return tf.tidy(() => tf.add(negativeCosine(mix.prediction, cut.projection), negativeCosine(cut.prediction, mix.projection)) as tf.Scalar);
}

/**
 * Returns the GLMC objective α·L_bal + (1−α)·L_rebal + κ·L_con and its terms (ALGORITHMS.md D8–D10).
 * Every term is always computed, even with a zero weight, so every head gets a (possibly zero) gradient and is
 * weight-decayed as in the reference.
 */
export function glmcObjective(
  mix: GlmcOutputs,
  cut: GlmcOutputs,
  targets: tf.Tensor2D,
  weightedTargets: tf.Tensor2D,
  weights: GlmcLossWeights,
): GlmcLossTerms {
  return tf.tidy(() => {
    const balanced = tf.add(softCrossEntropy(mix.logits, targets), softCrossEntropy(cut.logits, targets)) as tf.Scalar;
    const rebalanced = tf.add(
      softCrossEntropy(mix.rebalancedLogits, weightedTargets),
      softCrossEntropy(cut.rebalancedLogits, weightedTargets),
    ) as tf.Scalar;
    const consistency = mixtureConsistency(mix, cut);
    const total = tf.addN([
      tf.mul(balanced, weights.alpha),
      tf.mul(rebalanced, 1 - weights.alpha),
      tf.mul(consistency, weights.contrastWeight),
    ]) as tf.Scalar;
    return { total, balanced, rebalanced, consistency };
  });
}
