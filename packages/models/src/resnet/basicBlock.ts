import * as tf from '@tensorflow/tfjs-core';
import { LtError, type ForwardMode, type NamedVariable, type Rng } from '@lt/core';
import { ConvLayer, type ConvInit } from '../layers/conv.js';
import { BatchNormLayer } from '../layers/batchNorm.js';
import { convBatchNorm } from '../layers/convBatchNorm.js';
import { collectBuffers, collectParameters, type VariableOwner } from '../variables.js';
import { optionAShortcut } from './shortcut.js';
import { ProjectionShortcut } from './projectionShortcut.js';

/** How a block whose stride or width changes maps its input onto the output: CIFAR option A, or conv1×1 → BN. */
export type ShortcutKind = 'optionA' | 'projection';

/** Options of a ResNet basic block. */
export interface BasicBlockOptions {
  /** Stable name prefix, e.g. `backbone.layer2.0`. */
  readonly name: string;
  readonly inPlanes: number;
  readonly planes: number;
  readonly stride: number;
  readonly rng: Rng;
  /** Default 'optionA' (CIFAR ResNets, B1); 'projection' for the ImageNet ResNet-10 (B2). */
  readonly shortcut?: ShortcutKind;
  /** Conv init, default 'fanIn' (B1); the ImageNet nets use 'fanOut' (B2). */
  readonly init?: ConvInit;
}

/**
 * conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the shortcut, → ReLU (ALGORITHMS.md B1). The shortcut is the
 * identity, or (when the stride or width changes) option A — subsample, zero-pad planes/4 channels each side —
 * or a conv1×1 → BN projection.
 */
export class BasicBlock implements VariableOwner {
  readonly conv1: ConvLayer;
  readonly bn1: BatchNormLayer;
  readonly conv2: ConvLayer;
  readonly bn2: BatchNormLayer;
  readonly projection: ProjectionShortcut | undefined;
  private readonly shortcutPad: number | undefined;

  constructor(options: BasicBlockOptions) {
    const { name, inPlanes, planes, stride, rng } = options;
    const init = options.init ?? 'fanIn';
    // PyTorch padding=1 (symmetric), not TF 'same' (which pads bottom/right only when striding an even size).
    this.conv1 = new ConvLayer({ name: `${name}.conv1`, inChannels: inPlanes, outChannels: planes, kernelSize: 3, stride, pad: 1, init, rng });
    this.bn1 = new BatchNormLayer({ name: `${name}.bn1`, channels: planes });
    this.conv2 = new ConvLayer({ name: `${name}.conv2`, inChannels: planes, outChannels: planes, kernelSize: 3, stride: 1, pad: 1, init, rng });
    this.bn2 = new BatchNormLayer({ name: `${name}.bn2`, channels: planes });
    const changes = stride !== 1 || inPlanes !== planes;
    if (changes && options.shortcut === 'projection') {
      this.projection = new ProjectionShortcut({ name, inChannels: inPlanes, outChannels: planes, stride, init, rng });
    } else if (changes) {
      if (stride !== 2 || inPlanes + 2 * Math.floor(planes / 4) !== planes) {
        throw new LtError(
          'models/resnet-shortcut',
          `BasicBlock ${name}: option-A shortcut needs stride 2 and planes = 2·inPlanes, got stride ${stride}, ${inPlanes}→${planes}`,
        );
      }
      this.shortcutPad = Math.floor(planes / 4);
    }
  }

  /** The block's output for an NHWC batch. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => {
      const hidden = convBatchNorm(this.conv1, this.bn1, x, mode, 'relu');
      const shortcut =
        this.projection !== undefined
          ? this.projection.apply(x, mode)
          : this.shortcutPad === undefined
            ? x
            : optionAShortcut(x, this.shortcutPad);
      // BatchNorm, the shortcut's addition and the ReLU in one pass.
      return convBatchNorm(this.conv2, this.bn2, hidden, mode, 'relu', shortcut);
    });
  }

  parameters(): NamedVariable[] {
    return collectParameters(this.owners());
  }

  buffers(): NamedVariable[] {
    return collectBuffers(this.owners());
  }

  private owners(): VariableOwner[] {
    return [this.conv1, this.bn1, this.conv2, this.bn2, ...(this.projection ? [this.projection] : [])];
  }
}
