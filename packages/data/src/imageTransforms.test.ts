import { describe, expect, it } from 'vitest';
import { centerCropBox, colourJitter, randomResizedCropBox, resizeShorter, testResizeSize, CROP_TRIES } from './imageTransforms.js';

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
