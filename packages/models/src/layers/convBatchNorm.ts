import * as tf from '@tensorflow/tfjs-core';
import { conv2dBiasActivation, gradientsRecording, type ForwardMode } from '@lt/core';
import type { ConvLayer } from './conv.js';
import type { BatchNormLayer } from './batchNorm.js';

/** What follows conv → BatchNorm: a ReLU, or nothing (the block adds its shortcut first). */
export type ConvBatchNormActivation = 'relu' | 'linear';

/**
 * conv → BatchNorm (→ ReLU). Evaluated with nothing to differentiate (test-set scoring, feature extraction), the
 * BatchNorm is folded into the convolution — W·γ/σ and β − μ·γ/σ — and the ReLU fused into the same kernel:
 * one pass over the activations instead of three. The result equals the unfolded chain up to float rounding.
 */
export function convBatchNorm(conv: ConvLayer, bn: BatchNormLayer, x: tf.Tensor4D, mode: ForwardMode, activation: ConvBatchNormActivation): tf.Tensor4D {
  if (mode === 'eval' && conv.groups === 1 && !gradientsRecording()) {
    return tf.tidy(() => {
      const scale = tf.mul(bn.gamma.variable, tf.rsqrt(tf.add(bn.runningVar.variable, bn.options.epsilon ?? 1e-5)));
      const filter = tf.mul(conv.weight.variable, scale) as tf.Tensor4D;
      const bias = tf.sub(bn.beta.variable, tf.mul(bn.runningMean.variable, scale)) as tf.Tensor1D;
      return conv2dBiasActivation(x, filter, bias, conv.options.stride, conv.options.pad, activation);
    });
  }
  return bn.apply(conv.apply(x), mode, activation === 'relu');
}
