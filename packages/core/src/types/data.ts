import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng.js';

/** Static facts about a dataset that models and metrics need. */
export interface DatasetInfo {
  /** Short identifier, e.g. `mnist-lt`. */
  readonly name: string;
  readonly numClasses: number;
  /** Image shape as [height, width, channels] (NHWC batches). */
  readonly imageShape: readonly [number, number, number];
  /** Whether a horizontal flip preserves the label (false for digits). */
  readonly flipPreservesLabel: boolean;
  readonly classNames?: readonly string[];
  /** How pixels become inputs: scaled to [0, 1], then (x − mean)/std per channel (what `lt export` records). */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** What identifies the long-tailed training split: recorded in the run manifest. */
export interface SplitManifest {
  readonly dataset: string;
  readonly imbalanceFactor: number;
  readonly selection: 'first' | 'random';
  readonly seed: number;
  readonly classCounts: readonly number[];
  readonly testCount: number;
  /** SHA-256 (hex) of the chosen training indices as little-endian int32. */
  readonly indicesSha256: string;
  readonly source: string;
  /** Image datasets (image-folder, image-list, inat): input size, skipped images and the decoded cache. */
  readonly images?: ImageSplitInfo;
}

/** What an image dataset decoded: recorded in the split manifest so that skipped files are never silent. */
export interface ImageSplitInfo {
  readonly imageSize: number;
  /** The training-view policy: `crop-flip` (CIFAR), `imagenet` (RandomResizedCrop) or `none`. */
  readonly augmentation: 'crop-flip' | 'imagenet' | 'none';
  readonly workers: number;
  /** Images left out under `onCorrupt: 'skip'`, with where they were declared and why. */
  readonly skipped: readonly { readonly path: string; readonly origin: string; readonly reason: string }[];
  /** The decoded cache: its file, SHA-256 and record side. */
  readonly cache?: { readonly path: string; readonly sha256: string; readonly recordSize: number; readonly records: number };
}

/** A loaded long-tailed dataset: an imbalanced training split and a balanced test split. */
export interface Dataset {
  readonly info: DatasetInfo;
  /** Training count of each class, in class order. */
  readonly classCounts: readonly number[];
  readonly trainLabels: Int32Array;
  readonly testLabels: Int32Array;
  readonly manifest: SplitManifest;
  /** Whether `trainBatch(…, { augment: true })` transforms images (false: it equals the un-augmented batch). */
  readonly augments: boolean;
  /** Normalised float32 NHWC batch of training images; augmented with `rng` when `augment` is set. */
  trainBatch(indices: ArrayLike<number>, options: { augment: boolean; rng: Rng }): tf.Tensor4D;
  /** Normalised float32 NHWC batch of test images `start` (inclusive) to `end` (exclusive). */
  testBatch(start: number, end: number): tf.Tensor4D;
  /** Starts preparing the batch a later `trainBatch` with the same indices and rng seed returns (off-thread decoders). */
  prefetchTrainBatch?(indices: ArrayLike<number>, options: { augment: boolean; rng: Rng }): void;
  /** Stops background work (decoding threads); the run calls it when it ends, also on error. */
  close?(): Promise<void>;
}

/** A dataset description that loads lazily, with the run's random stream for split selection. */
export interface DatasetSpec {
  readonly name: string;
  /** Options with defaults applied, for the manifest. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Loads the data; `rng` drives split selection, `seed` (the run's) is recorded in the split manifest. */
  load(context: { rng: Rng; seed: number }): Promise<Dataset>;
}

/** One training batch. `targets` (soft labels, [B, C]) is set by batch transforms such as MixUp. */
export interface Batch {
  readonly x: tf.Tensor4D;
  /** int32 labels, [B]. */
  readonly labels: tf.Tensor1D;
  readonly indices: Int32Array;
  readonly targets?: tf.Tensor2D;
}

/** Produces the index batches of one epoch. */
export interface Sampler {
  readonly name: string;
  /** The batches of indices into the training split for one epoch, drawn with `rng`. */
  epoch(rng: Rng): Int32Array[];
}
