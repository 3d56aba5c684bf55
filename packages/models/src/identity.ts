import * as tf from '@tensorflow/tfjs-core';
import type { Backbone, ForwardMode, ModelSpec, NamedVariable } from '@lt/core';
import { withLinearHead } from './parts.js';
import { rejectUnknownOptions } from './options.js';

/** No backbone: a [B, 1, 1, D] batch of precomputed features is flattened to [B, D] (the `features` dataset). */
export class IdentityBackbone implements Backbone {
  readonly name = 'backbone';
  readonly hasBatchNorm = false;

  constructor(readonly featureDim: number) {}

  /** The input, flattened (`mode` changes nothing). */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    void mode;
    return tf.reshape(x, [x.shape[0], -1]);
  }

  parameters(): NamedVariable[] {
    return [];
  }

  buffers(): NamedVariable[] {
    return [];
  }
}

/** Returns the spec of the `identity` model: a linear head straight on the inputs (for precomputed features). */
export function identity(options: Record<string, never> = {}): ModelSpec {
  rejectUnknownOptions('identity', options, []);
  return {
    name: 'identity',
    options: Object.freeze({}),
    build({ info, rng }) {
      const [height, width, channels] = info.imageShape;
      return withLinearHead(new IdentityBackbone(height * width * channels), info, rng);
    },
  };
}
