import * as tf from '@tensorflow/tfjs-core';
import { resolve } from 'node:path';
import { LtError, type Dataset, type DatasetSpec } from '@lt/core';
import { readNpy } from './npy.js';
import { splitManifest } from './splitManifest.js';

/** One split of a features dataset: a float32 `[N, D]` matrix and an int label vector `[N]`, both `.npy`. */
export interface FeatureFiles {
  readonly features: string;
  readonly labels: string;
}

/** Options of `features`: the two splits' files and optional class names. */
export interface FeaturesOptions {
  readonly train: FeatureFiles;
  readonly test: FeatureFiles;
  /** One name per class (default: the class indices). */
  readonly classNames?: readonly string[];
}

interface FeatureSplit {
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly dim: number;
}

async function readSplit(files: FeatureFiles, split: string): Promise<FeatureSplit> {
  const features = await readNpy(files.features);
  const labels = await readNpy(files.labels);
  if (features.dtype !== '<f4' || features.shape.length !== 2) {
    throw new LtError('FEATURES_SHAPE', `${files.features} (${split} features) must be float32 [N, D], got ${features.dtype} (${features.shape.join(', ')})`);
  }
  if (labels.dtype === '<f4' || labels.shape.length !== 1) {
    throw new LtError('FEATURES_SHAPE', `${files.labels} (${split} labels) must be an int vector [N], got ${labels.dtype} (${labels.shape.join(', ')})`);
  }
  const [count, dim] = features.shape;
  if (labels.shape[0] !== count) {
    throw new LtError('FEATURES_SHAPE', `${files.labels} has ${labels.shape[0]} labels but ${files.features} has ${count} rows: give one label per row`);
  }
  return { features: features.data as Float32Array, labels: labels.data as Int32Array, count, dim };
}

/**
 * Precomputed features as a dataset (`features`): what a PyTorch or JAX backbone exported as `.npy`. Each row is
 * served as a 1×1×D "image", so the `identity` model's head trains on it directly. Classes are 0…C−1, C being
 * one more than the largest label; the training split is taken as given (no long-tailed subsampling).
 */
export function features(options: FeaturesOptions): DatasetSpec {
  const files = { train: { features: resolve(options.train.features), labels: resolve(options.train.labels) }, test: { features: resolve(options.test.features), labels: resolve(options.test.labels) } };
  return {
    name: 'features',
    options: Object.freeze({ ...files, ...(options.classNames !== undefined && { classNames: [...options.classNames] }) }),
    async load({ seed }): Promise<Dataset> {
      const train = await readSplit(files.train, 'train');
      const test = await readSplit(files.test, 'test');
      if (test.dim !== train.dim) {
        throw new LtError('FEATURES_SHAPE', `${files.test.features} has ${test.dim} features per row but ${files.train.features} has ${train.dim}`);
      }
      let numClasses = 0;
      for (const [file, labels] of [[files.train.labels, train.labels], [files.test.labels, test.labels]] as const) {
        for (const label of labels) {
          if (label < 0) throw new LtError('FEATURES_LABELS', `${file} holds label ${label}: labels are class indices 0…C−1`);
          numClasses = Math.max(numClasses, label + 1);
        }
      }
      if (options.classNames !== undefined && options.classNames.length < numClasses) {
        throw new LtError('FEATURES_LABELS', `classNames has ${options.classNames.length} names but the labels go up to ${numClasses - 1}`);
      }
      numClasses = Math.max(numClasses, options.classNames?.length ?? 0);
      const classCounts = Array.from({ length: numClasses }, () => 0);
      for (const label of train.labels) classCounts[label]++;
      const nonEmpty = classCounts.filter((n) => n > 0);
      const rows = (split: FeatureSplit, indices: ArrayLike<number>): tf.Tensor4D => {
        const out = new Float32Array(indices.length * split.dim);
        for (let i = 0; i < indices.length; i++) out.set(split.features.subarray(indices[i] * split.dim, (indices[i] + 1) * split.dim), i * split.dim);
        return tf.tensor4d(out, [indices.length, 1, 1, split.dim]);
      };
      return {
        info: {
          name: 'features',
          numClasses,
          imageShape: [1, 1, train.dim],
          flipPreservesLabel: false,
          ...(options.classNames !== undefined && { classNames: [...options.classNames] }),
        },
        classCounts,
        trainLabels: train.labels,
        testLabels: test.labels,
        manifest: splitManifest({
          dataset: 'features',
          imbalanceFactor: Math.max(...nonEmpty) / Math.min(...nonEmpty),
          selection: 'first',
          seed,
          classCounts,
          testCount: test.count,
          source: `${files.train.features}, ${files.train.labels}; ${files.test.features}, ${files.test.labels}`,
          indices: Int32Array.from({ length: train.count }, (_, i) => i),
        }),
        augments: false,
        trainBatch: (indices) => rows(train, indices),
        testBatch: (start, end) => rows(test, Int32Array.from({ length: end - start }, (_, i) => start + i)),
      };
    },
  };
}
