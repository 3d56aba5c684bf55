import * as tf from '@tensorflow/tfjs-core';
import { type Conv2DPad, type NamedVariable, type Rng } from '@lt/core';
import { createVariable, type VariableOwner } from '../variables.js';
import { kaimingNormal } from '../init.js';
import { groupedConv2d } from './groupedConv2d.js';

/** Which fan sets the Kaiming std: `fanIn` k·k·cin/groups (CIFAR ResNets, B1), `fanOut` k·k·cout (ImageNet ResNets, B2). */
export type ConvInit = 'fanIn' | 'fanOut';

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
  /** Channel groups (ResNeXt); both channel counts must be multiples of it. Default 1. */
  readonly groups?: number;
  /** Default 'fanIn'. */
  readonly init?: ConvInit;
}

/**
 * A bias-free 2-D convolution with a [k, k, cin/groups, cout] Kaiming-normal weight, run through @lt/core's conv2d
 * (per group when grouped).
 */
export class ConvLayer implements VariableOwner {
  readonly weight: NamedVariable;
  readonly groups: number;

  constructor(readonly options: ConvLayerOptions) {
    const { name, inChannels, outChannels, kernelSize, rng } = options;
    this.groups = options.groups ?? 1;
    const groupInChannels = inChannels / this.groups;
    const fan = kernelSize * kernelSize * (options.init === 'fanOut' ? outChannels : groupInChannels);
    this.weight = createVariable(
      `${name}.weight`,
      tf.tidy(() => kaimingNormal([kernelSize, kernelSize, groupInChannels, outChannels], fan, rng.fork(`${name}.weight`))),
      true,
    );
  }

  /** The convolution of an NHWC batch. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return groupedConv2d(x, this.weight.variable as tf.Variable<tf.Rank.R4>, this.groups, this.options.stride, this.options.pad);
  }

  parameters(): NamedVariable[] {
    return [this.weight];
  }

  buffers(): NamedVariable[] {
    return [];
  }
}
