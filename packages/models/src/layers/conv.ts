import * as tf from '@tensorflow/tfjs-core';
import { conv2d, type Conv2DPad, type NamedVariable, type Rng } from '@lt/core';
import { createVariable, type VariableOwner } from '../variables.js';
import { kaimingNormal } from '../init.js';

/** Options of a convolution layer. */
export interface ConvLayerOptions {
  /** Stable name prefix, e.g. `backbone.layer1.0.conv1`; the weight is `<name>.weight`. */
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly pad: Conv2DPad;
  readonly rng: Rng;
}

/** A bias-free 2-D convolution with a [k, k, cin, cout] Kaiming-normal weight, run through @lt/core's conv2d. */
export class ConvLayer implements VariableOwner {
  readonly weight: NamedVariable;

  constructor(readonly options: ConvLayerOptions) {
    const { name, inChannels, outChannels, kernelSize, rng } = options;
    const fanIn = kernelSize * kernelSize * inChannels;
    this.weight = createVariable(
      `${name}.weight`,
      tf.tidy(() => kaimingNormal([kernelSize, kernelSize, inChannels, outChannels], fanIn, rng.fork(`${name}.weight`))),
      true,
    );
  }

  /** The convolution of an NHWC batch. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return conv2d(x, this.weight.variable as tf.Variable<tf.Rank.R4>, this.options.stride, this.options.pad);
  }

  parameters(): NamedVariable[] {
    return [this.weight];
  }

  buffers(): NamedVariable[] {
    return [];
  }
}
