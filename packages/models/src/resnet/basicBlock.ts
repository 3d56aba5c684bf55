import * as tf from '@tensorflow/tfjs-core';
import { LtError, type ForwardMode, type NamedVariable, type Rng } from '@lt/core';
import { ConvLayer } from '../layers/conv.js';
import { BatchNormLayer } from '../layers/batchNorm.js';
import { collectBuffers, collectParameters, type VariableOwner } from '../variables.js';
import { optionAShortcut } from './shortcut.js';

/** Options of a ResNet basic block. */
export interface BasicBlockOptions {
  /** Stable name prefix, e.g. `backbone.layer2.0`. */
  readonly name: string;
  readonly inPlanes: number;
  readonly planes: number;
  readonly stride: number;
  readonly rng: Rng;
}

/**
 * conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the shortcut, → ReLU (ALGORITHMS.md B1). The shortcut is the
 * identity, or option A (subsample, zero-pad planes/4 channels each side) when the stride or width changes.
 */
export class BasicBlock implements VariableOwner {
  readonly conv1: ConvLayer;
  readonly bn1: BatchNormLayer;
  readonly conv2: ConvLayer;
  readonly bn2: BatchNormLayer;
  private readonly shortcutPad: number | undefined;

  constructor(options: BasicBlockOptions) {
    const { name, inPlanes, planes, stride, rng } = options;
    // PyTorch padding=1 (symmetric), not TF 'same' (which pads bottom/right only when striding an even size).
    this.conv1 = new ConvLayer({ name: `${name}.conv1`, inChannels: inPlanes, outChannels: planes, kernelSize: 3, stride, pad: 1, rng });
    this.bn1 = new BatchNormLayer({ name: `${name}.bn1`, channels: planes });
    this.conv2 = new ConvLayer({ name: `${name}.conv2`, inChannels: planes, outChannels: planes, kernelSize: 3, stride: 1, pad: 1, rng });
    this.bn2 = new BatchNormLayer({ name: `${name}.bn2`, channels: planes });
    if (stride !== 1 || inPlanes !== planes) {
      if (stride !== 2 || inPlanes + 2 * Math.floor(planes / 4) !== planes) {
        throw new LtError('models/resnet-shortcut', `BasicBlock ${name}: option-A shortcut needs stride 2 and planes = 2·inPlanes, got stride ${stride}, ${inPlanes}→${planes}`);
      }
      this.shortcutPad = Math.floor(planes / 4);
    }
  }

  /** The block's output for an NHWC batch. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    return tf.tidy(() => {
      const hidden = tf.relu(this.bn1.apply(this.conv1.apply(x), mode));
      const residual = this.bn2.apply(this.conv2.apply(hidden), mode);
      const shortcut = this.shortcutPad === undefined ? x : optionAShortcut(x, this.shortcutPad);
      return tf.relu(tf.add<tf.Tensor4D>(residual, shortcut));
    });
  }

  parameters(): NamedVariable[] {
    return collectParameters([this.conv1, this.bn1, this.conv2, this.bn2]);
  }

  buffers(): NamedVariable[] {
    return collectBuffers([this.conv1, this.bn1, this.conv2, this.bn2]);
  }
}
