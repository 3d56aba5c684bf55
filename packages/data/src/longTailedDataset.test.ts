import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, LtError } from '@lt/core';
import { CIFAR_AUGMENTATION } from './augment.js';
import type { ImageSet } from './imageSet.js';
import { createLongTailedDataset, type LongTailedSource } from './longTailedDataset.js';
import { CIFAR_NORMALIZATION, normalizeBatch } from './normalize.js';
import { indicesSha256 } from './splitManifest.js';

/** `perClass` images of each of `numClasses` classes, interleaved in file order, 4×4 RGB with random pixels. */
function syntheticSet(numClasses: number, perClass: number, seed: number): ImageSet {
  const rng = createRng(seed);
  const count = numClasses * perClass;
  const images = new Uint8Array(count * 4 * 4 * 3);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  return { images, labels: Int32Array.from({ length: count }, (_, i) => i % numClasses), count, height: 4, width: 4, channels: 3 };
}

function source(overrides: Partial<LongTailedSource> = {}): LongTailedSource {
  return {
    name: 'toy-lt',
    numClasses: 4,
    train: syntheticSet(4, 20, 1),
    test: syntheticSet(4, 5, 2),
    source: 'memory',
    classNames: ['a', 'b', 'c', 'd'],
    flipPreservesLabel: true,
    normalization: CIFAR_NORMALIZATION,
    augmentation: CIFAR_AUGMENTATION,
    ...overrides,
  };
}

describe('createLongTailedDataset', () => {
  let before = 0;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });
  afterAll(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps n_k images of class k and records the split in the manifest', () => {
    const dataset = createLongTailedDataset(source(), { imbalance: 8, maxCount: 16, selection: 'first', rng: createRng(42), seed: 42 });
    expect(dataset.classCounts).toEqual([16, 8, 4, 2]);
    expect(dataset.trainLabels).toHaveLength(30);
    // First-n in file order: class k's first images are items k, k+4, k+8, … so labels come out interleaved.
    expect(Array.from(dataset.trainLabels.subarray(0, 8))).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    const chosen: number[] = [];
    const seen = [0, 0, 0, 0];
    for (let i = 0; i < 80; i++) {
      if (seen[i % 4] < dataset.classCounts[i % 4]) {
        seen[i % 4]++;
        chosen.push(i);
      }
    }
    expect(dataset.manifest).toEqual({
      dataset: 'toy-lt',
      imbalanceFactor: 8,
      selection: 'first',
      seed: 42,
      classCounts: [16, 8, 4, 2],
      testCount: 20,
      indicesSha256: indicesSha256(chosen),
      source: 'memory',
    });
    expect(dataset.info).toEqual({ name: 'toy-lt', numClasses: 4, imageShape: [4, 4, 3], flipPreservesLabel: true, classNames: ['a', 'b', 'c', 'd'], normalization: CIFAR_NORMALIZATION });
    expect(dataset.augments).toBe(true);
  });

  it("'random' selection depends on the seed and 'first' does not", () => {
    const checksum = (selection: 'first' | 'random', seed: number) =>
      createLongTailedDataset(source(), { imbalance: 8, maxCount: 16, selection, rng: createRng(seed), seed: seed }).manifest.indicesSha256;
    expect(checksum('first', 1)).toBe(checksum('first', 2));
    expect(checksum('random', 1)).toBe(checksum('random', 1));
    expect(checksum('random', 1)).not.toBe(checksum('random', 2));
    expect(checksum('random', 1)).not.toBe(checksum('first', 1));
  });

  it('returns normalised float32 NHWC batches, augmented only when asked, reproducibly', () => {
    const train = syntheticSet(4, 20, 1);
    const dataset = createLongTailedDataset(source({ train }), { imbalance: 1, maxCount: 20, selection: 'first', rng: createRng(0), seed: 0 });
    const plain = dataset.trainBatch([3, 0], { augment: false, rng: createRng(0) });
    expect(plain.shape).toEqual([2, 4, 4, 3]);
    expect(plain.dtype).toBe('float32');
    // IF 1 keeps every image, in file order, so split index i is training item i.
    expect(Array.from(plain.dataSync())).toEqual(Array.from(normalizeBatch(train, [3, 0], CIFAR_NORMALIZATION)));
    const augmented = dataset.trainBatch([3, 0], { augment: true, rng: createRng(5) });
    const again = dataset.trainBatch([3, 0], { augment: true, rng: createRng(5) });
    expect(augmented.shape).toEqual([2, 4, 4, 3]);
    expect(Array.from(augmented.dataSync())).toEqual(Array.from(again.dataSync()));
    expect(Array.from(augmented.dataSync())).not.toEqual(Array.from(plain.dataSync()));
    tf.dispose([plain, augmented, again]);
  });

  it('returns test batches by range, never augmented', () => {
    const test = syntheticSet(4, 5, 2);
    const dataset = createLongTailedDataset(source({ test }), { imbalance: 8, maxCount: 16, selection: 'first', rng: createRng(0), seed: 0 });
    const batch = dataset.testBatch(18, 20);
    expect(batch.shape).toEqual([2, 4, 4, 3]);
    expect(Array.from(batch.dataSync())).toEqual(Array.from(normalizeBatch(test, [18, 19], CIFAR_NORMALIZATION)));
    expect(Array.from(dataset.testLabels)).toEqual(Array.from(test.labels));
    batch.dispose();
    expect(() => dataset.testBatch(0, 21)).toThrow(expect.objectContaining({ code: 'DATA_INDEX_RANGE' }));
    expect(() => dataset.testBatch(3, 2)).toThrow(/testBatch\(3, 2\)/);
  });

  it('rejects training indices outside the split', () => {
    const dataset = createLongTailedDataset(source(), { imbalance: 8, maxCount: 16, selection: 'first', rng: createRng(0), seed: 0 });
    expect(() => dataset.trainBatch([30], { augment: false, rng: createRng(0) })).toThrow(LtError);
  });

  it('names the class, the numbers and a feasible maxCount when a class is too small', () => {
    expect(() => createLongTailedDataset(source(), { imbalance: 2, maxCount: 30, selection: 'first', rng: createRng(0), seed: 0 })).toThrow(
      expect.objectContaining({
        code: 'DATA_NOT_ENOUGH_IMAGES',
        message: expect.stringMatching(/toy-lt: class 0 \(a\) has 20 training images but maxCount 30 .* asks for 30; use maxCount ≤ 20/),
      }),
    );
  });

  it('rejects a dataset that needs more classes than the data has', () => {
    expect(() =>
      createLongTailedDataset(source({ numClasses: 6 }), { imbalance: 2, maxCount: 4, selection: 'first', rng: createRng(0), seed: 0 }),
    ).toThrow(expect.objectContaining({ code: 'DATA_TOO_FEW_CLASSES', message: expect.stringMatching(/needs 6 classes.*up to class 3/) }));
  });

  it('rejects an imbalance factor below 1', () => {
    expect(() => createLongTailedDataset(source(), { imbalance: 0.5, maxCount: 4, selection: 'first', rng: createRng(0), seed: 0 })).toThrow(
      /imbalanceFactor/,
    );
  });

  it('rejects train and test images of different shapes', () => {
    const test: ImageSet = { ...syntheticSet(4, 5, 2), height: 2, width: 8 };
    expect(() => createLongTailedDataset(source({ test }), { imbalance: 2, maxCount: 4, selection: 'first', rng: createRng(0), seed: 0 })).toThrow(
      /4×4×3 but test images are 2×8×3/,
    );
  });
});
