import * as tf from '@tensorflow/tfjs-core';

/**
 * τ-normalisation (ALGORITHMS.md L, classifier-balancing `pnorm`): row k divided by ‖w_k‖₂^τ; differentiable,
 * the gradient flows through the norm. τ = 0 leaves the weight unchanged, τ = 1 gives unit rows.
 */
export function tauNormalize(weight: tf.Tensor2D, tau: number): tf.Tensor2D {
  return tf.tidy(() => {
    const norms = tf.sqrt(tf.sum(tf.square(weight), 1, true));
    return tf.div(weight, tf.pow(norms, tau)) as tf.Tensor2D;
  });
}
