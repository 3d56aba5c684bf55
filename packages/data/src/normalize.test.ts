import { describe, expect, it } from 'vitest';
import { LtError } from '@lt/core';
import type { ImageSet } from './imageSet.js';
import { CIFAR_NORMALIZATION, MNIST_NORMALIZATION, normalizationTable, normalizeBatch } from './normalize.js';

describe('normalizationTable', () => {
  it('maps byte v of channel c to (v/255 − mean_c) / std_c', () => {
    const table = normalizationTable(CIFAR_NORMALIZATION, 3);
    expect(table[0 * 256 + 255]).toBeCloseTo((1 - 0.4914) / 0.2023, 5);
    expect(table[1 * 256 + 0]).toBeCloseTo(-0.4822 / 0.1994, 5);
    expect(table[2 * 256 + 128]).toBeCloseTo((128 / 255 - 0.4465) / 0.201, 5);
  });

  it('broadcasts a single mean and std to every channel', () => {
    const table = normalizationTable(MNIST_NORMALIZATION, 2);
    expect(table[256 + 51]).toBe(table[51]);
    expect(table[51]).toBeCloseTo((0.2 - 0.1307) / 0.3081, 5);
  });

  it('rejects a mean with the wrong number of channels and a non-positive std', () => {
    expect(() => normalizationTable(CIFAR_NORMALIZATION, 1)).toThrow(/mean has 3 values, expected 1 or 1/);
    expect(() => normalizationTable({ mean: [0], std: [0] }, 1)).toThrow(LtError);
  });
});

describe('normalizeBatch', () => {
  const set: ImageSet = {
    images: Uint8Array.from([0, 255, 10, 20]),
    labels: Int32Array.from([0, 1]),
    count: 2,
    height: 1,
    width: 2,
    channels: 1,
  };

  it('returns the chosen images normalised, in the order asked', () => {
    const table = normalizationTable(MNIST_NORMALIZATION, 1);
    expect(Array.from(normalizeBatch(set, [1, 0], MNIST_NORMALIZATION))).toEqual([table[10], table[20], table[0], table[255]]);
  });

  it('rejects an index outside the split', () => {
    expect(() => normalizeBatch(set, [2], MNIST_NORMALIZATION)).toThrow(expect.objectContaining({ code: 'DATA_INDEX_RANGE' }));
    expect(() => normalizeBatch(set, [0.5], MNIST_NORMALIZATION)).toThrow(/index 0.5/);
  });
});
