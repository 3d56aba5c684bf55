import type { Rng } from '@lt/core';
import { LtError } from '@lt/core';
import type { ImageSet } from './imageSet.js';
import { checkIndex, normalizationTable, type Normalization } from './normalize.js';

/** Training-time transform: zero-pad `pad` pixels, random crop back to the original size, optional horizontal flip (p = 0.5). */
export interface Augmentation {
  readonly pad: number;
  readonly flip: boolean;
}

/** CIFAR training transform of the reference code: pad 4, random 32×32 crop, horizontal flip (ALGORITHMS A3). */
export const CIFAR_AUGMENTATION: Augmentation = Object.freeze({ pad: 4, flip: true });

/** MNIST training transform: pad 2, random 28×28 crop, no flip (a mirrored digit is another glyph). */
export const MNIST_AUGMENTATION: Augmentation = Object.freeze({ pad: 2, flip: false });

/** Options of `augmentBatch`. */
export interface AugmentBatchOptions {
  readonly normalization: Normalization;
  readonly augmentation: Augmentation;
  readonly rng: Rng;
}

/** Returns the images at `indices` padded, randomly cropped, maybe flipped, then normalised, as float32 NHWC. */
export function augmentBatch(set: ImageSet, indices: ArrayLike<number>, options: AugmentBatchOptions): Float32Array {
  const { normalization, augmentation, rng } = options;
  const { pad, flip } = augmentation;
  if (!Number.isInteger(pad) || pad < 0) throw new LtError('DATA_OPTIONS', `augmentation pad must be a non-negative integer, got ${pad}`);
  const { height, width, channels, images } = set;
  const table = normalizationTable(normalization, channels);
  const imageSize = height * width * channels;
  const rowSize = width * channels;
  const out = new Float32Array(indices.length * imageSize);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    checkIndex(index, i, set.count);
    // Draw order per image follows torchvision: crop top, crop left, then the flip coin.
    const top = pad > 0 ? rng.int(2 * pad + 1) : pad;
    const left = pad > 0 ? rng.int(2 * pad + 1) : pad;
    const flipped = flip && rng.next() < 0.5;
    const source = index * imageSize;
    const target = i * imageSize;
    // The padding is never materialised: a crop pixel outside the image is a zero byte, padded on the raw
    // uint8 image before normalisation, so it maps to table[c·256 + 0] = −mean/std, not to 0.
    for (let y = 0; y < height; y++) {
      const sy = y + top - pad;
      const rowTarget = target + y * rowSize;
      if (sy < 0 || sy >= height) {
        for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out[rowTarget + x * channels + c] = table[c * 256];
        continue;
      }
      const rowSource = source + sy * rowSize;
      for (let x = 0; x < width; x++) {
        // Crop first, then flip the crop: output column x shows crop column width−1−x.
        const sx = (flipped ? width - 1 - x : x) + left - pad;
        const pixelTarget = rowTarget + x * channels;
        if (sx < 0 || sx >= width) {
          for (let c = 0; c < channels; c++) out[pixelTarget + c] = table[c * 256];
        } else {
          const pixelSource = rowSource + sx * channels;
          for (let c = 0; c < channels; c++) out[pixelTarget + c] = table[c * 256 + images[pixelSource + c]];
        }
      }
    }
  }
  return out;
}
