import type { ModelSpec } from '@lt/core';
import { LtError } from '@lt/core';
import { withLinearHead } from '../parts.js';
import { rejectUnknownOptions, requirePositiveIntegers } from '../options.js';
import { ResNetImageNetBackbone, type ResNetImageNetArchitecture } from './resnetImageNet.js';

/** Options of `resnet10()` and `resnet50()`. */
export interface ResNetImageNetOptions {
  /** Stem width and planes of the first stage; stage s has width·2^s. Default 64 (the reference); small for tests. */
  readonly width?: number;
}

/** Options of `resnext50()`: the ResNet options plus the grouped convolution's shape. */
export interface ResNeXtOptions extends ResNetImageNetOptions {
  /** Groups of every 3×3 conv. Default 32. */
  readonly groups?: number;
  /** Channels per group in the first stage at width 64. Default 4 (32×4d). */
  readonly widthPerGroup?: number;
}

type Architecture = Omit<ResNetImageNetArchitecture, 'inChannels' | 'rng'>;

function spec(name: string, options: Readonly<Record<string, unknown>>, architecture: Architecture): ModelSpec {
  return {
    name,
    options: Object.freeze({ ...options }),
    build({ info, rng }) {
      const backbone = new ResNetImageNetBackbone({ ...architecture, inChannels: info.imageShape[2], rng: rng.fork('backbone') });
      return withLinearHead(backbone, info, rng);
    },
  };
}

function baseWidth(model: string, options: ResNetImageNetOptions): number {
  const width = options.width ?? 64;
  requirePositiveIntegers(model, 'width', [width], false);
  return width;
}

/**
 * ResNet-10 of the decoupling / classifier-balancing code (ALGORITHMS.md B2): BasicBlocks [1, 1, 1, 1] with
 * conv1×1 → BN projection shortcuts, D = 512 (8·width).
 */
export function resnet10(options: ResNetImageNetOptions = {}): ModelSpec {
  rejectUnknownOptions('resnet10', options, ['width']);
  const width = baseWidth('resnet10', options);
  return spec('resnet10', { width }, { blocks: { kind: 'basic' }, layers: [1, 1, 1, 1], width });
}

/** torchvision's ResNet-50 (ALGORITHMS.md B2): bottlenecks [3, 4, 6, 3], D = 2048 (32·width). */
export function resnet50(options: ResNetImageNetOptions = {}): ModelSpec {
  rejectUnknownOptions('resnet50', options, ['width']);
  const width = baseWidth('resnet50', options);
  return spec('resnet50', { width }, { blocks: { kind: 'bottleneck', groups: 1, widthPerGroup: 64 }, layers: [3, 4, 6, 3], width });
}

/** ResNeXt-50 32×4d (ALGORITHMS.md B2), the backbone of [G]'s ImageNet-LT and iNaturalist runs: D = 2048 (32·width). */
export function resnext50(options: ResNeXtOptions = {}): ModelSpec {
  rejectUnknownOptions('resnext50', options, ['width', 'groups', 'widthPerGroup']);
  const width = baseWidth('resnext50', options);
  const groups = options.groups ?? 32;
  const widthPerGroup = options.widthPerGroup ?? 4;
  requirePositiveIntegers('resnext50', 'groups', [groups], false);
  requirePositiveIntegers('resnext50', 'widthPerGroup', [widthPerGroup], false);
  if (Math.floor((width * widthPerGroup) / 64) < 1) {
    // torchvision's inner width ⌊planes·widthPerGroup/64⌋·groups would be 0 in the first stage.
    throw new LtError(
      'models/options',
      `resnext50: width ${width} × widthPerGroup ${widthPerGroup} must be at least 64 (each group needs a channel); raise widthPerGroup`,
    );
  }
  return spec('resnext50', { width, groups, widthPerGroup }, { blocks: { kind: 'bottleneck', groups, widthPerGroup }, layers: [3, 4, 6, 3], width });
}
