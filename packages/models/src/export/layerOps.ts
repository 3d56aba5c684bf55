import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ConvLayer } from '../layers/conv.js';
import type { BatchNormLayer } from '../layers/batchNorm.js';
import type { DenseLayer } from '../layers/dense.js';

/** A tf.layers graph node (the symbolic output of a layer). */
export type Node = tfl.SymbolicTensor;

/** A tf.layers name for an lt variable prefix (`backbone.layer1.0.conv1` → `backbone_layer1_0_conv1`). */
export function layerName(ltName: string): string {
  return ltName.replace(/[^A-Za-z0-9_]/g, '_');
}

/** An lt conv (PyTorch symmetric padding) as zero-padding + a `valid` conv2d holding the trained kernel. */
export function convLayers(conv: ConvLayer, x: Node): Node {
  const { kernelSize, outChannels, stride, pad } = conv.options;
  const name = layerName(conv.options.name);
  // tf 'same' pads bottom/right only when a stride-2 conv meets an even size; PyTorch pads both sides.
  const padded = pad === 0 ? x : (tfl.layers.zeroPadding2d({ padding: pad as number, name: `${name}_pad` }).apply(x) as Node);
  return tfl.layers
    .conv2d({
      filters: outChannels,
      kernelSize,
      strides: stride,
      padding: 'valid',
      useBias: false,
      name,
      weights: [conv.weight.variable],
    })
    .apply(padded) as Node;
}

/** BatchNorm in inference mode with the running statistics: (x − mean)/√(var + ε)·γ + β. */
export function batchNormLayer(bn: BatchNormLayer, x: Node): Node {
  return tfl.layers
    .batchNormalization({
      axis: -1,
      epsilon: bn.options.epsilon ?? 1e-5,
      name: layerName(bn.options.name),
      weights: [bn.gamma.variable, bn.beta.variable, bn.runningMean.variable, bn.runningVar.variable],
    })
    .apply(x) as Node;
}

/** ReLU as an activation layer. */
export function reluLayer(x: Node, name: string): Node {
  return tfl.layers.activation({ activation: 'relu', name: layerName(name) }).apply(x) as Node;
}

/** A dense layer from an lt-layout weight [out, in] and bias [out] (tf.layers keeps the kernel as [in, out]). */
export function denseFromWeights(weight: tf.Tensor2D, bias: tf.Tensor1D, name: string, x: Node): Node {
  const kernel = tf.transpose(weight);
  const out = tfl.layers.dense({ units: weight.shape[0], name: layerName(name), weights: [kernel, bias] }).apply(x) as Node;
  kernel.dispose();
  return out;
}

/** An lt DenseLayer as a tf.layers dense layer. */
export function denseLayer(dense: DenseLayer, x: Node): Node {
  const weight = dense.weight.variable as tf.Variable<tf.Rank.R2>;
  return denseFromWeights(weight, dense.bias.variable as tf.Variable<tf.Rank.R1>, dense.weight.name.replace(/\.weight$/, ''), x);
}
