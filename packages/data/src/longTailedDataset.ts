import * as tf from '@tensorflow/tfjs-core';
import { LtError, type Dataset, type Rng } from '@lt/core';
import { augmentBatch, type Augmentation } from './augment.js';
import { classHistogram, subsetImageSet, type ImageSet } from './imageSet.js';
import { longTailedCounts } from './longTailedCounts.js';
import { normalizeBatch, type Normalization } from './normalize.js';
import { selectLongTailed, type Selection } from './selectLongTailed.js';
import { splitManifest } from './splitManifest.js';

/** A full (balanced) dataset in memory, with how its images are normalised and augmented. */
export interface LongTailedSource {
  /** Dataset identifier, e.g. `cifar10-lt`. */
  readonly name: string;
  readonly numClasses: number;
  readonly train: ImageSet;
  readonly test: ImageSet;
  /** Where the images came from, for the manifest. */
  readonly source: string;
  readonly classNames?: readonly string[];
  readonly flipPreservesLabel: boolean;
  readonly normalization: Normalization;
  readonly augmentation: Augmentation;
}

/** How the long-tailed training split is cut from the full training set. */
export interface LongTailedSplitOptions {
  readonly imbalance: number;
  readonly maxCount: number;
  readonly selection: Selection;
  /** The run's stream: `rng.fork('split')` drives random selection. */
  readonly rng: Rng;
  /** The run's seed, recorded in the split manifest. */
  readonly seed: number;
}

/** Largest head count whose whole profile fits in the available images per class (undefined if none does). */
export function largestFeasibleMaxCount(
  available: readonly number[],
  numClasses: number,
  imbalanceFactor: number,
  upper: number,
): number | undefined {
  const fits = (maxCount: number) =>
    longTailedCounts({ maxCount, numClasses, imbalanceFactor }).every((count, k) => count <= available[k]);
  if (!fits(1)) return undefined;
  // Every n_k is non-decreasing in maxCount, so feasibility is monotone and a binary search finds the boundary.
  let low = 1;
  let high = upper;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Returns the long-tailed profile n_k and the chosen training indices, or throws naming the class that lacks images. */
export function chooseLongTailedSplit(
  data: { name: string; numClasses: number; labels: Int32Array; source: string; classNames?: readonly string[] },
  options: Omit<LongTailedSplitOptions, 'seed'>,
): { counts: number[]; indices: Int32Array } {
  const { name, numClasses, source } = data;
  const { imbalance, maxCount, selection, rng } = options;
  const counts = longTailedCounts({ maxCount, numClasses, imbalanceFactor: imbalance });
  const available = classHistogram(data.labels);
  if (available.length < numClasses) {
    throw new LtError(
      'DATA_TOO_FEW_CLASSES',
      `${name}: needs ${numClasses} classes but the training labels of ${source} only go up to class ${available.length - 1}`,
    );
  }
  counts.forEach((count, k) => {
    if (available[k] < count) {
      const className = data.classNames?.[k] !== undefined ? ` (${data.classNames[k]})` : '';
      const feasible = largestFeasibleMaxCount(available, numClasses, imbalance, maxCount);
      throw new LtError(
        'DATA_NOT_ENOUGH_IMAGES',
        `${name}: class ${k}${className} has ${available[k]} training images but maxCount ${maxCount} with imbalance ` +
          `${imbalance} asks for ${count}; ${feasible !== undefined ? `use maxCount ≤ ${feasible}` : 'no maxCount fits'} (${source})`,
      );
    }
  });
  return { counts, indices: selectLongTailed(data.labels, counts, { selection, rng: rng.fork('split') }) };
}

/** Returns a `Dataset` holding the long-tailed training split of `source` (ALGORITHMS A1–A2) and its full test set. */
export function createLongTailedDataset(source: LongTailedSource, options: LongTailedSplitOptions): Dataset {
  const { name, numClasses, train, test } = source;
  const { imbalance, selection, seed } = options;
  if (train.height !== test.height || train.width !== test.width || train.channels !== test.channels) {
    throw new LtError(
      'DATA_BAD_DIMENSIONS',
      `${name}: training images are ${train.height}×${train.width}×${train.channels} but test images are ` +
        `${test.height}×${test.width}×${test.channels} (${source.source})`,
    );
  }
  const { counts, indices } = chooseLongTailedSplit({ name, numClasses, labels: train.labels, source: source.source, classNames: source.classNames }, options);
  // Keep only the chosen images: the split is usually a small fraction of the full training set.
  const split = subsetImageSet(train, indices);
  const { height, width, channels } = split;
  const manifest = splitManifest({
    dataset: name,
    imbalanceFactor: imbalance,
    selection,
    seed,
    classCounts: counts,
    testCount: test.count,
    source: source.source,
    indices,
  });

  return {
    info: {
      name,
      numClasses,
      imageShape: [height, width, channels],
      flipPreservesLabel: source.flipPreservesLabel,
      ...(source.classNames !== undefined ? { classNames: source.classNames } : {}),
      normalization: source.normalization,
    },
    classCounts: counts,
    trainLabels: split.labels,
    testLabels: test.labels,
    manifest,
    augments: true,
    trainBatch(batchIndices: ArrayLike<number>, batchOptions: { augment: boolean; rng: Rng }): tf.Tensor4D {
      const data = batchOptions.augment
        ? augmentBatch(split, batchIndices, {
            normalization: source.normalization,
            augmentation: source.augmentation,
            rng: batchOptions.rng,
          })
        : normalizeBatch(split, batchIndices, source.normalization);
      return tf.tensor4d(data, [batchIndices.length, height, width, channels], 'float32');
    },
    testBatch(start: number, end: number): tf.Tensor4D {
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > test.count) {
        throw new LtError('DATA_INDEX_RANGE', `${name}: testBatch(${start}, ${end}) is outside the test set 0..${test.count}`);
      }
      const range = new Int32Array(end - start);
      for (let i = 0; i < range.length; i++) range[i] = start + i;
      return tf.tensor4d(normalizeBatch(test, range, source.normalization), [range.length, height, width, channels], 'float32');
    },
  };
}
