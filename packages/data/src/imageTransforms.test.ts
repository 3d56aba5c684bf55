import { describe, expect, it } from 'vitest';
import { centerCropBox, colourJitter, cropFlipPad, defaultAugmentation, padCropFlip, randomResizedCropBox, resizeShorter, testResizeSize, CROP_TRIES } from './imageTransforms.js';

describe('randomResizedCropBox (torchvision get_params)', () => {
  it('turns the first try that fits into a box', () => {
    // area 8000 · (0.08 + 0.92 · 0.5) = 4320, ratio 1 → 66 × 66 (round(65.73)); offsets floor(u · (n − 66 + 1)).
    expect(randomResizedCropBox(100, 80, [0.5, 0.5, 0, 0])).toEqual({ left: 0, top: 0, width: 66, height: 66 });
    expect(randomResizedCropBox(100, 80, [0.5, 0.5, 0.999, 0.5])).toEqual({ left: 17, top: 14, width: 66, height: 66 });
    // Ratio 4/3 at full area: w = round(sqrt(8000 · 4/3)) = 103 > 100, the try fails; the next (area 640, ratio 1) gives 25 × 25.
    expect(randomResizedCropBox(100, 80, [0.999999, 0.999999, 0, 0, 0, 0.5, 0, 0])).toEqual({ left: 0, top: 0, width: 25, height: 25 });
  });

  it('falls back to the centred whole image, cut to the allowed ratio, after ten failed tries', () => {
    const fail = new Array<number>(4 * CROP_TRIES).fill(0.999999);
    expect(randomResizedCropBox(100, 100, fail)).toEqual({ left: 0, top: 0, width: 100, height: 100 });
    expect(randomResizedCropBox(300, 100, fail)).toEqual({ left: 83, top: 0, width: 133, height: 100 });
    expect(randomResizedCropBox(100, 300, fail)).toEqual({ left: 0, top: 83, width: 100, height: 133 });
  });
});

describe('test-time geometry', () => {
  it('resizes the shorter side and centre-crops like torchvision', () => {
    expect(testResizeSize(224)).toBe(256);
    expect(testResizeSize(64)).toBe(73);
    expect(resizeShorter(500, 375, 256)).toEqual({ width: 341, height: 256 });
    expect(resizeShorter(375, 500, 256)).toEqual({ width: 256, height: 341 });
    // Python's round(58.5) is 58.
    expect(centerCropBox(341, 256, 224)).toEqual({ left: 58, top: 16, width: 224, height: 224 });
  });
});

describe('colourJitter', () => {
  it('is the identity at factor 1 and scales brightness by 1 + strength at u = 1', () => {
    const pixels = Uint8Array.from([10, 100, 200, 50, 60, 70]);
    colourJitter(pixels, 0.4, [0.5, 0.5, 0.5], 0);
    expect(Array.from(pixels)).toEqual([10, 100, 200, 50, 60, 70]);
    colourJitter(pixels, 0.4, [1, 0.5, 0.5], 0);
    expect(Array.from(pixels)).toEqual([14, 140, 255, 70, 84, 98]);
  });
});

describe('crop-flip policy', () => {
  /** Materialises the zero padding, crops, then mirrors: the torchvision pipeline step by step. */
  function reference(pixels: Uint8Array, size: number, pad: number, top: number, left: number, flip: boolean): Uint8Array {
    const side = size + 2 * pad;
    const padded = new Uint8Array(side * side * 3);
    for (let y = 0; y < size; y++) padded.set(pixels.subarray(y * size * 3, (y + 1) * size * 3), ((y + pad) * side + pad) * 3);
    const out = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const cx = flip ? size - 1 - x : x;
        for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = padded[((y + top) * side + cx + left) * 3 + c];
      }
    }
    return out;
  }

  it('pads with zeros, crops at the drawn offset and mirrors the crop, as torchvision does', () => {
    const size = 8;
    const pad = cropFlipPad(size);
    expect([pad, cropFlipPad(32), cropFlipPad(64)]).toEqual([1, 4, 8]);
    const pixels = Uint8Array.from({ length: size * size * 3 }, (_, i) => 1 + (i % 251));
    for (const [ut, ul, uf] of [[0, 0, 0.9], [0.999, 0.5, 0.1], [0.4, 0.999, 0.49], [0.5, 0.2, 0.5]]) {
      const top = Math.floor(ut * (2 * pad + 1));
      const left = Math.floor(ul * (2 * pad + 1));
      const got = padCropFlip(pixels, size, pad, [ut, ul, uf], 0, 2);
      expect(Array.from(got)).toEqual(Array.from(reference(pixels, size, pad, top, left, uf < 0.5)));
    }
  });

  it('is the default up to 64 px, ImageNet’s transforms above', () => {
    expect([defaultAugmentation(28), defaultAugmentation(32), defaultAugmentation(64)]).toEqual(['crop-flip', 'crop-flip', 'crop-flip']);
    expect([defaultAugmentation(112), defaultAugmentation(224)]).toEqual(['imagenet', 'imagenet']);
  });
});
