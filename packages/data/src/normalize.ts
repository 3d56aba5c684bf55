import { LtError } from '@lt/core';
import type { ImageSet } from './imageSet.js';

/** Per-channel mean and standard deviation of pixels scaled to [0, 1]; one value is broadcast to every channel. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** CIFAR-10 and CIFAR-100 normalisation of the SAMN and MiSLAS code (ALGORITHMS A3). */
export const CIFAR_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.4914, 0.4822, 0.4465]),
  std: Object.freeze([0.2023, 0.1994, 0.201]),
});

/** The usual MNIST normalisation (training-set pixel mean and standard deviation). */
export const MNIST_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.1307]),
  std: Object.freeze([0.3081]),
});

/** Returns the lookup table `table[c · 256 + v]` = normalised value of raw byte v in channel c. */
export function normalizationTable(normalization: Normalization, channels: number): Float32Array {
  const { mean, std } = normalization;
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values.length !== 1 && values.length !== channels) {
      throw new LtError('DATA_OPTIONS', `normalization ${name} has ${values.length} values, expected 1 or ${channels} (one per channel)`);
    }
  }
  const table = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    const m = Math.fround(mean.length === 1 ? mean[0] : mean[c]);
    const s = Math.fround(std.length === 1 ? std[0] : std[c]);
    if (!(s > 0)) throw new LtError('DATA_OPTIONS', `normalization std of channel ${c} must be positive, got ${s}`);
    // Rounded to float32 at each step, as torchvision's ToTensor (÷255) then Normalize ((x−m)/s) compute it.
    for (let v = 0; v < 256; v++) table[c * 256 + v] = Math.fround(Math.fround(Math.fround(v / 255) - m) / s);
  }
  return table;
}

/** Throws unless `index` is an integer position in a set of `count` items. */
export function checkIndex(index: number, position: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new LtError('DATA_INDEX_RANGE', `index ${index} at position ${position} is outside the image set 0..${count - 1}`);
  }
}

/** Returns the images at `indices` scaled to [0, 1] and normalised, as float32 NHWC (the test-time transform). */
export function normalizeBatch(set: ImageSet, indices: ArrayLike<number>, normalization: Normalization): Float32Array {
  const table = normalizationTable(normalization, set.channels);
  const { channels } = set;
  const imageSize = set.height * set.width * channels;
  const out = new Float32Array(indices.length * imageSize);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    checkIndex(index, i, set.count);
    const source = index * imageSize;
    const target = i * imageSize;
    for (let p = 0; p < imageSize; p += channels) {
      for (let c = 0; c < channels; c++) out[target + p + c] = table[c * 256 + set.images[source + p + c]];
    }
  }
  return out;
}

/** ImageNet normalisation of torchvision and the ImageNet-LT / Places-LT reference code. */
export const IMAGENET_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.485, 0.456, 0.406]),
  std: Object.freeze([0.229, 0.224, 0.225]),
});

/** iNaturalist 2018 normalisation of the GLMC reference code (ALGORITHMS A3). */
export const INAT_NORMALIZATION: Normalization = Object.freeze({
  mean: Object.freeze([0.466, 0.471, 0.38]),
  std: Object.freeze([0.195, 0.194, 0.192]),
});
