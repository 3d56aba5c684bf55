import * as tf from '@tensorflow/tfjs-core';
import { conv2d } from '@lt/core';

/** Option A's fixed [1, 1, c, c + 2·pad] filter: output channel i + pad copies input channel i, the others are zero. */
export function optionAFilter(inChannels: number, padEachSide: number): tf.Tensor4D {
  const outChannels = inChannels + 2 * padEachSide;
  const values = new Float32Array(inChannels * outChannels);
  for (let c = 0; c < inChannels; c++) values[c * outChannels + c + padEachSide] = 1;
  return tf.tensor4d(values, [1, 1, inChannels, outChannels]);
}

/**
 * The parameter-free "option A" shortcut of the CIFAR ResNets (ALGORITHMS.md B1): x[:, ::2, ::2, :], then
 * `padEachSide` zero channels before and after — as one `valid` stride-2 1×1 convolution with optionAFilter, which
 * keeps ceil(H/2) rows as ::2 does. Exact for finite x (each output is one x·1 plus zeros), and one multithreaded
 * kernel pass where the slice-and-pad it replaces cost 8 % of a wasm evaluation forward; its gradient is the
 * convolution's, on every backend.
 */
export function optionAShortcut(x: tf.Tensor4D, padEachSide: number): tf.Tensor4D {
  return tf.tidy(() => conv2d(x, optionAFilter(x.shape[3], padEachSide), 2, 'valid'));
}
