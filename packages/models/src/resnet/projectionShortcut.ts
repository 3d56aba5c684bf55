import * as tf from '@tensorflow/tfjs-core';
import type { ForwardMode, NamedVariable, Rng } from '@lt/core';
import { ConvLayer, type ConvInit } from '../layers/conv.js';
import { BatchNormLayer } from '../layers/batchNorm.js';
import { convBatchNorm } from '../layers/convBatchNorm.js';
import { collectBuffers, collectParameters, type VariableOwner } from '../variables.js';

/** Options of a `ProjectionShortcut` (conv1×1 → BN). */
export interface ProjectionShortcutOptions {
  /** The block's name prefix; variables are `<name>.downsample.0.weight` (conv) and `<name>.downsample.1.*` (BN). */
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
  readonly init: ConvInit;
  readonly rng: Rng;
}

/** The ImageNet ResNets' "downsample" shortcut (ALGORITHMS.md B2): conv1×1(stride) → BN, PyTorch's state-dict names. */
export class ProjectionShortcut implements VariableOwner {
  readonly conv: ConvLayer;
  readonly bn: BatchNormLayer;

  constructor(options: ProjectionShortcutOptions) {
    const { name, inChannels, outChannels, stride, init, rng } = options;
    this.conv = new ConvLayer({ name: `${name}.downsample.0`, inChannels, outChannels, kernelSize: 1, stride, pad: 0, init, rng });
    this.bn = new BatchNormLayer({ name: `${name}.downsample.1`, channels: outChannels });
  }

  /** The projected input, to be added to the block's residual branch. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    return convBatchNorm(this.conv, this.bn, x, mode, 'linear');
  }

  parameters(): NamedVariable[] {
    return collectParameters([this.conv, this.bn]);
  }

  buffers(): NamedVariable[] {
    return collectBuffers([this.conv, this.bn]);
  }
}
