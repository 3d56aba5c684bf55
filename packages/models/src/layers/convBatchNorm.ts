import * as tf from '@tensorflow/tfjs-core';
import { conv2dBiasActivation, inferenceCached, gradientsRecording, type ForwardMode } from '@lt/core';
import type { ConvLayer } from './conv.js';
import type { BatchNormLayer } from './batchNorm.js';

/** What follows conv → BatchNorm (and the residual, if any): a ReLU, or nothing. */
export type ConvBatchNormActivation = 'relu' | 'linear';

/**
 * conv → BatchNorm (+ `residual`, a block's shortcut) (→ ReLU). In training on wasm the BatchNorm, the residual and
 * the ReLU are one pass. Evaluated with nothing to differentiate (test-set scoring, feature extraction), the
 * BatchNorm is folded into the convolution — W·γ/σ and β − μ·γ/σ, derived once per evaluation inside
 * withInferenceCache — and the residual and the ReLU run in the convolution's kernel where lt's kernels take it
 * (conv2dBiasActivation). The result equals the unfolded chain up to float rounding.
 */
export function convBatchNorm(
  conv: ConvLayer,
  bn: BatchNormLayer,
  x: tf.Tensor4D,
  mode: ForwardMode,
  activation: ConvBatchNormActivation,
  residual?: tf.Tensor4D,
): tf.Tensor4D {
  if (mode === 'eval' && conv.groups === 1 && !gradientsRecording()) {
    return tf.tidy(() => {
      const sources = [conv.weight, bn.gamma, bn.beta, bn.runningMean, bn.runningVar].map((v) => v.variable);
      const [filter, bias] = inferenceCached(conv, sources, () => {
        const scale = tf.mul(bn.gamma.variable, tf.rsqrt(tf.add(bn.runningVar.variable, bn.options.epsilon ?? 1e-5)));
        return [tf.mul(conv.weight.variable, scale), tf.sub(bn.beta.variable, tf.mul(bn.runningMean.variable, scale))];
      }) as [tf.Tensor4D, tf.Tensor1D];
      return conv2dBiasActivation(x, filter, bias, conv.options.stride, conv.options.pad, activation, residual);
    });
  }
  return bn.apply(conv.apply(x), mode, activation === 'relu', residual);
}
