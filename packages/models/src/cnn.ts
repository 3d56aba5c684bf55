import * as tf from '@tensorflow/tfjs-core';
import { relu, type Backbone, type ForwardMode, type ModelSpec, type NamedVariable, type Rng } from '@lt/core';
import { ConvLayer } from './layers/conv.js';
import { BatchNormLayer } from './layers/batchNorm.js';
import { convBatchNorm } from './layers/convBatchNorm.js';
import { DenseLayer } from './layers/dense.js';
import { collectBuffers, collectParameters } from './variables.js';
import { withLinearHead } from './parts.js';
import { rejectUnknownOptions, requirePositiveIntegers } from './options.js';

/** Options of `cnn()`. */
export interface CnnOptions {
  /**
   * Output channels of each conv3×3 → BN → ReLU layer; the first has stride 1, the others stride 2.
   * Default [16, 32, 64] (28×28 → 28 → 14 → 7).
   */
  readonly channels?: readonly number[];
  /** Width of the Dense → ReLU layer on the flattened conv output; it is the feature size D. Default 128. */
  readonly hidden?: number;
}

/** Spatial size after a 3×3 convolution with padding 1. */
const convOut = (size: number, stride: number): number => Math.floor((size - 1) / stride) + 1;

/**
 * A small conv net for MNIST-sized images: conv3×3 → BN → ReLU layers, then flatten → Dense → ReLU. Flattening
 * (not global pooling) keeps where strokes are, which digits need: a pooled 3-layer net learns MNIST far slower.
 */
export class CnnBackbone implements Backbone {
  readonly name = 'backbone';
  readonly featureDim: number;
  readonly layers: ReadonlyArray<{ readonly conv: ConvLayer; readonly bn: BatchNormLayer }>;
  readonly dense: DenseLayer;

  constructor(options: { channels: readonly number[]; hidden: number; imageShape: readonly [number, number, number]; rng: Rng }) {
    let [height, width, inChannels] = options.imageShape;
    this.layers = options.channels.map((outChannels, i) => {
      const conv = new ConvLayer({
        name: `backbone.conv${i + 1}`,
        inChannels,
        outChannels,
        kernelSize: 3,
        stride: i === 0 ? 1 : 2,
        pad: 1,
        rng: options.rng,
      });
      const bn = new BatchNormLayer({ name: `backbone.bn${i + 1}`, channels: outChannels });
      inChannels = outChannels;
      height = convOut(height, i === 0 ? 1 : 2);
      width = convOut(width, i === 0 ? 1 : 2);
      return { conv, bn };
    });
    const inFeatures = height * width * inChannels;
    this.dense = new DenseLayer({ name: 'backbone.fc', inFeatures, outFeatures: options.hidden, rng: options.rng });
    this.featureDim = options.hidden;
  }

  /** Features [B, D] of an NHWC batch. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      let out = x;
      for (const { conv, bn } of this.layers) out = convBatchNorm(conv, bn, out, mode, 'relu');
      return relu(this.dense.apply(tf.reshape(out, [out.shape[0], -1])));
    });
  }

  parameters(): NamedVariable[] {
    return collectParameters([...this.layers.flatMap(({ conv, bn }) => [conv, bn]), this.dense]);
  }

  buffers(): NamedVariable[] {
    return collectBuffers(this.layers.flatMap(({ conv, bn }) => [conv, bn]));
  }
}

/** Returns the spec of the small CNN (`cnn`) with a linear head. */
export function cnn(options: CnnOptions = {}): ModelSpec {
  rejectUnknownOptions('cnn', options, ['channels', 'hidden']);
  const channels = [...(options.channels ?? [16, 32, 64])];
  const hidden = options.hidden ?? 128;
  requirePositiveIntegers('cnn', 'channels', channels, false);
  requirePositiveIntegers('cnn', 'hidden', [hidden], false);
  return {
    name: 'cnn',
    options: Object.freeze({ channels, hidden }),
    build({ info, rng }) {
      const backbone = new CnnBackbone({ channels, hidden, imageShape: info.imageShape, rng: rng.fork('backbone') });
      return withLinearHead(backbone, info, rng);
    },
  };
}
