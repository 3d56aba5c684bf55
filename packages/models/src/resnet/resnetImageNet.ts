import * as tf from '@tensorflow/tfjs-core';
import type { Backbone, ForwardMode, NamedVariable, Rng } from '@lt/core';
import { ConvLayer } from '../layers/conv.js';
import { BatchNormLayer } from '../layers/batchNorm.js';
import { convBatchNorm } from '../layers/convBatchNorm.js';
import { globalAveragePool } from '../layers/pool.js';
import { collectBuffers, collectParameters, type VariableOwner } from '../variables.js';
import { BasicBlock } from './basicBlock.js';
import { Bottleneck, bottleneckExpansion } from './bottleneck.js';

/** The block family and its layout: BasicBlocks (ResNet-10) or (grouped) bottlenecks (ResNet-50, ResNeXt-50). */
export type ImageNetBlocks =
  | { readonly kind: 'basic' }
  | { readonly kind: 'bottleneck'; readonly groups: number; readonly widthPerGroup: number };

/** What distinguishes ResNet-10, ResNet-50 and ResNeXt-50: block kind, blocks per stage, base width. */
export interface ResNetImageNetArchitecture {
  readonly blocks: ImageNetBlocks;
  /** BasicBlocks or bottlenecks per stage, e.g. [3, 4, 6, 3]. */
  readonly layers: readonly [number, number, number, number];
  /** Stem width and planes of the first stage (64); stage s has width·2^s planes. */
  readonly width: number;
  readonly inChannels: number;
  readonly rng: Rng;
}

type Block = VariableOwner & { apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D };

/**
 * The ImageNet ResNet / ResNeXt trunk in torchvision's layout (ALGORITHMS.md B2): conv7×7/2 → BN → ReLU →
 * max-pool 3×3/2, four stages (stride 2 from the second on), global average pool. The reference's AvgPool2d(7)
 * equals the global pool at 224 px; the global pool also serves 64- or 112-pixel inputs.
 */
export class ResNetImageNetBackbone implements Backbone {
  readonly name = 'backbone';
  readonly featureDim: number;
  readonly conv1: ConvLayer;
  readonly bn1: BatchNormLayer;
  readonly blocks: readonly Block[];

  constructor(architecture: ResNetImageNetArchitecture) {
    const { blocks: kind, layers, width, inChannels, rng } = architecture;
    this.conv1 = new ConvLayer({ name: 'backbone.conv1', inChannels, outChannels: width, kernelSize: 7, stride: 2, pad: 3, init: 'fanOut', rng });
    this.bn1 = new BatchNormLayer({ name: 'backbone.bn1', channels: width });
    const expansion = kind.kind === 'basic' ? 1 : bottleneckExpansion;
    const blocks: Block[] = [];
    let inPlanes = width;
    layers.forEach((count, stage) => {
      const planes = width * 2 ** stage;
      for (let i = 0; i < count; i++) {
        const name = `backbone.layer${stage + 1}.${i}`;
        const stride = stage > 0 && i === 0 ? 2 : 1;
        blocks.push(
          kind.kind === 'basic'
            ? new BasicBlock({ name, inPlanes, planes, stride, shortcut: 'projection', init: 'fanOut', rng })
            : new Bottleneck({ name, inPlanes, planes, stride, groups: kind.groups, widthPerGroup: kind.widthPerGroup, rng }),
        );
        inPlanes = planes * expansion;
      }
    });
    this.blocks = blocks;
    this.featureDim = inPlanes;
  }

  /** Features [B, D] (non-negative, after the last ReLU) of an NHWC batch of any spatial size ≥ 32. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      const stem = convBatchNorm(this.conv1, this.bn1, x, mode, 'relu');
      // PyTorch MaxPool2d(3, 2, padding=1): symmetric padding that never wins the max; TF 'same' would pad only
      // bottom/right on even sizes. Its gradient is MaxPoolGrad: cpu's own, on wasm @lt/core's replacement.
      let out = tf.maxPool(stem, 3, 2, 1);
      for (const block of this.blocks) out = block.apply(out, mode);
      return globalAveragePool(out);
    });
  }

  parameters(): NamedVariable[] {
    return collectParameters([this.conv1, this.bn1, ...this.blocks]);
  }

  buffers(): NamedVariable[] {
    return collectBuffers([this.conv1, this.bn1, ...this.blocks]);
  }
}
