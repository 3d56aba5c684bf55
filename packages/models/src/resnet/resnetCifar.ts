import * as tf from '@tensorflow/tfjs-core';
import { LtError, type Backbone, type ForwardMode, type ModelSpec, type NamedVariable, type Rng } from '@lt/core';
import { ConvLayer } from '../layers/conv.js';
import { BatchNormLayer } from '../layers/batchNorm.js';
import { convBatchNorm } from '../layers/convBatchNorm.js';
import { globalAveragePool } from '../layers/pool.js';
import { collectBuffers, collectParameters } from '../variables.js';
import { withLinearHead } from '../parts.js';
import { rejectUnknownOptions } from '../options.js';
import { BasicBlock } from './basicBlock.js';

/** Channel widths of the three stages: He et al.'s 16-32-64, or the 64-128-256 net [S]/[G] call ResNet-32. */
export type ResNetWidth = 'standard' | 'wide';
/** Depths of the CIFAR ResNets: 6n + 2 layers with n = 1, 3, 5, 9 blocks per stage. */
export type ResNetDepth = 8 | 20 | 32 | 56;

/** Options of `resnetCifar()`. */
export interface ResNetCifarOptions {
  /** 6n + 2 layers: n = 1, 3, 5, 9 BasicBlocks per stage. Default 32. */
  readonly depth?: ResNetDepth;
  /** Default 'standard' (16-32-64, D = 64); 'wide' is 64-128-256, D = 256 (ALGORITHMS.md B1). */
  readonly width?: ResNetWidth;
}

const stageWidths: Record<ResNetWidth, readonly [number, number, number]> = {
  standard: [16, 32, 64],
  wide: [64, 128, 256],
};

interface ResNetCifarArchitecture {
  readonly depth: ResNetDepth;
  readonly width: ResNetWidth;
  readonly inChannels: number;
  readonly rng: Rng;
}

/** Stem conv3×3 → BN → ReLU, three stages of BasicBlocks, global average pool (ALGORITHMS.md B1). */
export class ResNetCifarBackbone implements Backbone {
  readonly name = 'backbone';
  readonly featureDim: number;
  readonly conv1: ConvLayer;
  readonly bn1: BatchNormLayer;
  readonly blocks: readonly BasicBlock[];

  constructor(architecture: ResNetCifarArchitecture) {
    const { depth, width, inChannels, rng } = architecture;
    const widths = stageWidths[width];
    const blocksPerStage = (depth - 2) / 6;
    this.conv1 = new ConvLayer({ name: 'backbone.conv1', inChannels, outChannels: widths[0], kernelSize: 3, stride: 1, pad: 1, rng });
    this.bn1 = new BatchNormLayer({ name: 'backbone.bn1', channels: widths[0] });
    const blocks: BasicBlock[] = [];
    let inPlanes = widths[0];
    widths.forEach((planes, stage) => {
      for (let i = 0; i < blocksPerStage; i++) {
        const stride = stage > 0 && i === 0 ? 2 : 1;
        blocks.push(new BasicBlock({ name: `backbone.layer${stage + 1}.${i}`, inPlanes, planes, stride, rng }));
        inPlanes = planes;
      }
    });
    this.blocks = blocks;
    this.featureDim = widths[2];
  }

  /** Features [B, D] (non-negative, after the last ReLU) of an NHWC batch. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    return tf.tidy(() => {
      let out = convBatchNorm(this.conv1, this.bn1, x, mode, 'relu');
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

/** Returns the spec of a CIFAR ResNet (`resnet32-standard`, `resnet32-wide`, …) with a linear head. */
export function resnetCifar(options: ResNetCifarOptions = {}): ModelSpec {
  rejectUnknownOptions('resnetCifar', options, ['depth', 'width']);
  const depth = options.depth ?? 32;
  const width = options.width ?? 'standard';
  if (![8, 20, 32, 56].includes(depth)) {
    throw new LtError('models/options', `resnetCifar: depth must be 8, 20, 32 or 56, got ${String(depth)}`);
  }
  if (!(width in stageWidths)) {
    throw new LtError('models/options', `resnetCifar: width must be 'standard' or 'wide', got ${String(width)}`);
  }
  return {
    name: `resnet${depth}-${width}`,
    options: Object.freeze({ depth, width }),
    build({ info, rng }) {
      const backbone = new ResNetCifarBackbone({ depth, width, inChannels: info.imageShape[2], rng: rng.fork('backbone') });
      return withLinearHead(backbone, info, rng);
    },
  };
}
