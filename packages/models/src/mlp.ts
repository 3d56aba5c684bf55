import * as tf from '@tensorflow/tfjs-core';
import { relu, type Backbone, type ForwardMode, type ModelSpec, type NamedVariable, type Rng } from '@lt/core';
import { DenseLayer } from './layers/dense.js';
import { collectBuffers, collectParameters } from './variables.js';
import { withLinearHead } from './parts.js';
import { rejectUnknownOptions, requirePositiveIntegers } from './options.js';

/** Options of `mlp()`. */
export interface MlpOptions {
  /** Widths of the hidden Dense → ReLU layers; the last is the feature size D. Default [256]. */
  readonly hidden?: readonly number[];
}

/** Flatten, then Dense → ReLU layers (features are the last hidden activations). */
export class MlpBackbone implements Backbone {
  readonly name = 'backbone';
  readonly featureDim: number;
  readonly layers: readonly DenseLayer[];

  constructor(options: { hidden: readonly number[]; inFeatures: number; rng: Rng }) {
    let inFeatures = options.inFeatures;
    this.layers = options.hidden.map((outFeatures, i) => {
      const layer = new DenseLayer({ name: `backbone.fc${i + 1}`, inFeatures, outFeatures, rng: options.rng });
      inFeatures = outFeatures;
      return layer;
    });
    this.featureDim = inFeatures;
  }

  /** Features [B, D] of an NHWC batch (`mode` is ignored: the MLP has no BatchNorm). */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    void mode;
    return tf.tidy(() => {
      let out: tf.Tensor2D = tf.reshape(x, [x.shape[0], -1]);
      for (const layer of this.layers) out = relu(layer.apply(out));
      return out;
    });
  }

  parameters(): NamedVariable[] {
    return collectParameters(this.layers);
  }

  buffers(): NamedVariable[] {
    return collectBuffers(this.layers);
  }
}

/** Returns the spec of a multilayer perceptron (`mlp`) with a linear head. */
export function mlp(options: MlpOptions = {}): ModelSpec {
  rejectUnknownOptions('mlp', options, ['hidden']);
  const hidden = [...(options.hidden ?? [256])];
  requirePositiveIntegers('mlp', 'hidden', hidden, true);
  return {
    name: 'mlp',
    options: Object.freeze({ hidden }),
    build({ info, rng }) {
      const [height, width, channels] = info.imageShape;
      const backbone = new MlpBackbone({ hidden, inFeatures: height * width * channels, rng: rng.fork('backbone') });
      return withLinearHead(backbone, info, rng);
    },
  };
}
