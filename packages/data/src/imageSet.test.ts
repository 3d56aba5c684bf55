import { describe, expect, it } from 'vitest';
import { LtError } from '@lt/core';
import { classHistogram, concatImageSets, subsetImageSet, type ImageSet } from './imageSet.js';

function tinySet(values: number[], labels: number[]): ImageSet {
  // 1×2 images with one channel: each image is two bytes.
  return { images: Uint8Array.from(values), labels: Int32Array.from(labels), count: labels.length, height: 1, width: 2, channels: 1 };
}

describe('classHistogram', () => {
  it('counts labels per class, up to the largest label by default', () => {
    expect(classHistogram([0, 2, 2, 1, 2])).toEqual([1, 1, 3]);
  });

  it('pads with zeros up to numClasses', () => {
    expect(classHistogram(Int32Array.from([1, 1]), 4)).toEqual([0, 2, 0, 0]);
  });
});

describe('subsetImageSet', () => {
  it('copies the chosen images and labels in the order given', () => {
    const subset = subsetImageSet(tinySet([1, 2, 3, 4, 5, 6], [0, 1, 2]), [2, 0]);
    expect(Array.from(subset.images)).toEqual([5, 6, 1, 2]);
    expect(Array.from(subset.labels)).toEqual([2, 0]);
    expect(subset.count).toBe(2);
  });

  it('rejects an index outside the set', () => {
    expect(() => subsetImageSet(tinySet([1, 2], [0]), [1])).toThrow(LtError);
  });
});

describe('concatImageSets', () => {
  it('joins images and labels in order', () => {
    const joined = concatImageSets([tinySet([1, 2], [3]), tinySet([3, 4, 5, 6], [4, 5])], 'test');
    expect(Array.from(joined.images)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(joined.labels)).toEqual([3, 4, 5]);
    expect(joined.count).toBe(3);
  });

  it('rejects sets of different image shapes, naming them', () => {
    const other: ImageSet = { ...tinySet([1, 2], [0]), height: 2, width: 1 };
    expect(() => concatImageSets([tinySet([1, 2], [0]), other], 'my files')).toThrow(/my files/);
  });
});
