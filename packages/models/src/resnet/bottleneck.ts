import * as tf from '@tensorflow/tfjs-core';
import type { ForwardMode, NamedVariable, Rng } from '@lt/core';
import { ConvLayer } from '../layers/conv.js';
import { BatchNormLayer } from '../layers/batchNorm.js';
import { convBatchNorm } from '../layers/convBatchNorm.js';
import { collectBuffers, collectParameters, type VariableOwner } from '../variables.js';
import { ProjectionShortcut } from './projectionShortcut.js';

/** Options of a `Bottleneck` block. */
export interface BottleneckOptions {
  /** Stable name prefix, e.g. `backbone.layer2.0`. */
  readonly name: string;
  readonly inPlanes: number;
  /** The stage's planes; the block outputs 4·planes channels. */
  readonly planes: number;
  readonly stride: number;
  /** Groups of the 3×3 conv (32 for ResNeXt-50 32×4d, 1 for ResNet-50). */
  readonly groups: number;
  /** Channels per group at planes = 64 (4 for 32×4d, 64 for ResNet-50): inner width ⌊planes·w/64⌋·groups. */
  readonly widthPerGroup: number;
  readonly rng: Rng;
}

/** Output channels of a bottleneck block relative to its planes (torchvision's `expansion`). */
export const bottleneckExpansion = 4;

/**
 * The torchvision / ResNeXt bottleneck (ALGORITHMS.md B2): conv1×1 → BN → ReLU → grouped conv3×3(stride) → BN →
 * ReLU → conv1×1 → BN, plus the shortcut (identity, or conv1×1(stride) → BN when the shape changes), → ReLU.
 * Stride sits on the 3×3 conv (torchvision's "ResNet v1.5"), as in the reference code.
 */
export class Bottleneck implements VariableOwner {
  readonly conv1: ConvLayer;
  readonly bn1: BatchNormLayer;
  readonly conv2: ConvLayer;
  readonly bn2: BatchNormLayer;
  readonly conv3: ConvLayer;
  readonly bn3: BatchNormLayer;
  readonly projection: ProjectionShortcut | undefined;

  constructor(options: BottleneckOptions) {
    const { name, inPlanes, planes, stride, groups, widthPerGroup, rng } = options;
    const width = Math.floor((planes * widthPerGroup) / 64) * groups;
    const outPlanes = planes * bottleneckExpansion;
    const init = 'fanOut';
    this.conv1 = new ConvLayer({ name: `${name}.conv1`, inChannels: inPlanes, outChannels: width, kernelSize: 1, stride: 1, pad: 0, init, rng });
    this.bn1 = new BatchNormLayer({ name: `${name}.bn1`, channels: width });
    this.conv2 = new ConvLayer({ name: `${name}.conv2`, inChannels: width, outChannels: width, kernelSize: 3, stride, pad: 1, groups, init, rng });
    this.bn2 = new BatchNormLayer({ name: `${name}.bn2`, channels: width });
    this.conv3 = new ConvLayer({ name: `${name}.conv3`, inChannels: width, outChannels: outPlanes, kernelSize: 1, stride: 1, pad: 0, init, rng });
    this.bn3 = new BatchNormLayer({ name: `${name}.bn3`, channels: outPlanes });
    if (stride !== 1 || inPlanes !== outPlanes) {
      this.projection = new ProjectionShortcut({ name, inChannels: inPlanes, outChannels: outPlanes, stride, init, rng });
    }
  }

  /** The block's output for an NHWC batch. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => {
      let out = convBatchNorm(this.conv1, this.bn1, x, mode, 'relu');
      out = convBatchNorm(this.conv2, this.bn2, out, mode, 'relu');
      const shortcut = this.projection === undefined ? x : this.projection.apply(x, mode);
      // BatchNorm, the shortcut's addition and the ReLU in one pass.
      return convBatchNorm(this.conv3, this.bn3, out, mode, 'relu', shortcut);
    });
  }

  parameters(): NamedVariable[] {
    return collectParameters(this.owners());
  }

  buffers(): NamedVariable[] {
    return collectBuffers(this.owners());
  }

  private owners(): VariableOwner[] {
    return [this.conv1, this.bn1, this.conv2, this.bn2, this.conv3, this.bn3, ...(this.projection ? [this.projection] : [])];
  }
}
