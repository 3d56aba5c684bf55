import * as tf from '@tensorflow/tfjs-core';
import { addRelu, conv2dBiasActivation, gradientsRecording, type ForwardMode } from '@lt/core';
import type { ConvLayer } from './conv.js';
import type { BatchNormLayer } from './batchNorm.js';

/** What follows conv → BatchNorm (and the residual, if any): a ReLU, or nothing. */
export type ConvBatchNormActivation = 'relu' | 'linear';

/**
 * conv → BatchNorm (+ `residual`, a block's shortcut) (→ ReLU). In training on wasm the BatchNorm, the residual and
 * the ReLU are one pass. Evaluated with nothing to differentiate (test-set scoring, feature extraction), the
 * BatchNorm is folded into the convolution — W·γ/σ and β − μ·γ/σ — and the ReLU fused into the same kernel when
 * there is no residual. The result equals the unfolded chain up to float rounding.
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
      const scale = tf.mul(bn.gamma.variable, tf.rsqrt(tf.add(bn.runningVar.variable, bn.options.epsilon ?? 1e-5)));
      const filter = tf.mul(conv.weight.variable, scale) as tf.Tensor4D;
      const bias = tf.sub(bn.beta.variable, tf.mul(bn.runningMean.variable, scale)) as tf.Tensor1D;
      const { stride, pad } = conv.options;
      if (residual === undefined) return conv2dBiasActivation(x, filter, bias, stride, pad, activation);
      const out = conv2dBiasActivation(x, filter, bias, stride, pad, 'linear');
      return activation === 'relu' ? addRelu(out, residual) : tf.add(out, residual);
    });
  }
  return bn.apply(conv.apply(x), mode, activation === 'relu', residual);
}
