import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '@lt/core';
import type { ImageSet } from './imageSet.js';
import { CIFAR_NORMALIZATION, MNIST_NORMALIZATION, normalizationTable, normalizeBatch } from './normalize.js';
import { augmentBatch, CIFAR_AUGMENTATION, MNIST_AUGMENTATION } from './augment.js';

/** An Rng that replays fixed draws: `int` answers from `ints`, `next` from `floats`. */
function scriptedRng(ints: number[], floats: number[] = []): Rng {
  const unused = (): never => {
    throw new Error('unexpected draw');
  };
  return {
    seed: 0,
    int: () => ints.shift() ?? unused(),
    next: () => floats.shift() ?? unused(),
    normal: unused,
    gamma: unused,
    beta: unused,
    uint32: unused,
    fork: unused,
    shuffle: unused,
  };
}

function randomSet(count: number, height: number, width: number, channels: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const images = new Uint8Array(count * height * width * channels);
  for (let i = 0; i < images.length; i++) images[i] = 1 + rng.int(255);
  return { images, labels: new Int32Array(count), count, height, width, channels };
}

/** The reference transform spelled out: materialise the zero-padded image, crop the window, flip, normalise. */
function padCropFlip(set: ImageSet, index: number, pad: number, top: number, left: number, flip: boolean): Float32Array {
  const { height, width, channels } = set;
  const paddedWidth = width + 2 * pad;
  const padded = new Uint8Array((height + 2 * pad) * paddedWidth * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        padded[((y + pad) * paddedWidth + x + pad) * channels + c] = set.images[((index * height + y) * width + x) * channels + c];
      }
    }
  }
  const table = normalizationTable(CIFAR_NORMALIZATION, channels);
  const out = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cropX = flip ? width - 1 - x : x;
      for (let c = 0; c < channels; c++) {
        out[(y * width + x) * channels + c] = table[c * 256 + padded[((y + top) * paddedWidth + cropX + left) * channels + c]];
      }
    }
  }
  return out;
}

describe('augmentBatch', () => {
  const set = randomSet(3, 5, 4, 3, 11);

  it('equals cropping a zero-padded copy of the image at every offset, flipped or not', () => {
    const pad = 2;
    for (let top = 0; top <= 2 * pad; top++) {
      for (let left = 0; left <= 2 * pad; left++) {
        for (const flip of [false, true]) {
          const rng = scriptedRng([top, left], [flip ? 0.25 : 0.75]);
          const out = augmentBatch(set, [1], { normalization: CIFAR_NORMALIZATION, augmentation: { pad, flip: true }, rng });
          expect(Array.from(out)).toEqual(Array.from(padCropFlip(set, 1, pad, top, left, flip)));
        }
      }
    }
  });

  it('shows the image shifted by (pad − top, pad − left) with −mean/std where the padding shows', () => {
    const out = augmentBatch(set, [0], { normalization: CIFAR_NORMALIZATION, augmentation: { pad: 1, flip: false }, rng: scriptedRng([0, 2]) });
    const table = normalizationTable(CIFAR_NORMALIZATION, 3);
    // top 0 moves the image down one row: row 0 is padding; left 2 moves it one column left.
    expect(out[0]).toBe(table[0]);
    const at = (y: number, x: number, c: number) => ((y * 4 + x) * 3 + c);
    expect(out[at(1, 0, 2)]).toBe(table[2 * 256 + set.images[at(0, 1, 2)]]);
    expect(out[at(4, 3, 1)]).toBe(table[256]); // last column came from the right-hand padding
  });

  it('returns B × H × W × C values, the same for the same seed and different for another', () => {
    const run = (seed: number) =>
      augmentBatch(set, [0, 1, 2, 1], { normalization: CIFAR_NORMALIZATION, augmentation: CIFAR_AUGMENTATION, rng: createRng(seed) });
    expect(run(5)).toHaveLength(4 * 5 * 4 * 3);
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('draws every crop offset 0..2·pad', () => {
    // A single bright pixel in the middle of a 32×32 image reveals the offsets of each crop.
    const marker: ImageSet = { images: new Uint8Array(32 * 32), labels: new Int32Array(1), count: 1, height: 32, width: 32, channels: 1 };
    marker.images[16 * 32 + 16] = 255;
    const rng = createRng(1);
    const tops = new Set<number>();
    const lefts = new Set<number>();
    const bright = normalizationTable(MNIST_NORMALIZATION, 1)[255];
    for (let draw = 0; draw < 300; draw++) {
      const out = augmentBatch(marker, [0], { normalization: MNIST_NORMALIZATION, augmentation: { pad: 4, flip: false }, rng });
      const position = out.indexOf(bright);
      tops.add(4 + 16 - Math.floor(position / 32));
      lefts.add(4 + 16 - (position % 32));
    }
    expect([...tops].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...lefts].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('flips about half of the images when flip is on and none for MNIST', () => {
    const rng = createRng(2);
    const plain = normalizeBatch(set, [0], CIFAR_NORMALIZATION);
    let flips = 0;
    for (let draw = 0; draw < 400; draw++) {
      const out = augmentBatch(set, [0], { normalization: CIFAR_NORMALIZATION, augmentation: { pad: 0, flip: true }, rng });
      if (out.some((value, i) => value !== plain[i])) flips++;
    }
    expect(flips / 400).toBeGreaterThan(0.4);
    expect(flips / 400).toBeLessThan(0.6);
    expect(MNIST_AUGMENTATION).toEqual({ pad: 2, flip: false });
  });

  it('with pad 0 and no flip equals the test-time transform and draws nothing', () => {
    const out = augmentBatch(set, [2, 0], { normalization: CIFAR_NORMALIZATION, augmentation: { pad: 0, flip: false }, rng: scriptedRng([]) });
    expect(out).toEqual(normalizeBatch(set, [2, 0], CIFAR_NORMALIZATION));
  });

  it('rejects an index outside the split', () => {
    expect(() =>
      augmentBatch(set, [3], { normalization: CIFAR_NORMALIZATION, augmentation: CIFAR_AUGMENTATION, rng: createRng(0) }),
    ).toThrow(expect.objectContaining({ code: 'DATA_INDEX_RANGE' }));
  });
});
