import * as tf from '@tensorflow/tfjs-core';
import type { Backbone, ClassifierHead, Dataset, Rng } from '@lt/core';
import { tauNormalize } from './tauNormalize.js';
import type { TauChoice } from './tauNormHead.js';

/** Where and how `searchTau` scores each τ. */
export interface TauSearchOptions {
  /** τ values to try (the reference prints 0, 0.1, …, 2). */
  readonly grid: readonly number[];
  /** `train-split`: a per-class random fraction of the training set; `test`: the test set (as the reference does). */
  readonly on: 'train-split' | 'test';
  /** Fraction of each class's training samples scored (at least one per class) when `on` is `train-split`. */
  readonly fraction: number;
  readonly batchSize: number;
  readonly rng: Rng;
}

/** A seeded per-class subset of the training indices: ⌈fraction·n_k⌉ samples of class k. */
export function trainSplit(labels: Int32Array, numClasses: number, fraction: number, rng: Rng): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => byClass[label].push(i));
  const chosen = byClass.flatMap((members) => Array.from(rng.shuffle(Int32Array.from(members)).subarray(0, Math.ceil(fraction * members.length))));
  return Int32Array.from(chosen.sort((a, b) => a - b));
}

/** Eval-mode backbone features of the scored split and its labels. */
function scoredFeatures(backbone: Backbone, dataset: Dataset, options: TauSearchOptions): { features: tf.Tensor2D; labels: Int32Array } {
  const indices = options.on === 'test' ? undefined : trainSplit(dataset.trainLabels, dataset.info.numClasses, options.fraction, options.rng);
  const count = indices?.length ?? dataset.testLabels.length;
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < count; start += options.batchSize) {
    const end = Math.min(start + options.batchSize, count);
    parts.push(
      tf.tidy(() => {
        const x = indices ? dataset.trainBatch(indices.subarray(start, end), { augment: false, rng: options.rng }) : dataset.testBatch(start, end);
        return backbone.apply(x, 'eval');
      }),
    );
  }
  const features = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  const labels = indices ? Int32Array.from(indices, (i) => dataset.trainLabels[i]) : dataset.testLabels;
  return { features, labels };
}

/** Mean over the classes present of each class's top-1 accuracy (the accuracy on a class-balanced split). */
export function balancedAccuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  const hits = new Float64Array(numClasses);
  const totals = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    totals[labels[i]] += 1;
    if (predictions[i] === labels[i]) hits[labels[i]] += 1;
  }
  let sum = 0;
  let present = 0;
  totals.forEach((total, k) => {
    if (total === 0) return;
    sum += hits[k] / total;
    present += 1;
  });
  return sum / Math.max(present, 1);
}

/** Each τ's predicted classes on the scored split, computed but not yet read back. */
export interface TauPredictions {
  readonly grid: readonly number[];
  readonly on: TauSearchOptions['on'];
  readonly numClasses: number;
  readonly labels: Int32Array;
  /** argmax of the τ-normalised logits, one tensor per τ of the grid. */
  readonly predicted: readonly tf.Tensor1D[];
}

/**
 * The device half of the search: every τ's predictions, run synchronously (so it can see the model as a sync hook
 * does) and read by `chooseTau` later, where awaiting is allowed.
 */
export function predictTauGrid(backbone: Backbone, head: ClassifierHead, dataset: Dataset, options: TauSearchOptions): TauPredictions {
  const { features, labels } = scoredFeatures(backbone, dataset, options);
  const predicted = options.grid.map((tau) =>
    tf.tidy(() => tf.argMax(tf.matMul(features, tauNormalize(head.weight, tau), false, true), 1) as tf.Tensor1D),
  );
  features.dispose();
  return { grid: options.grid, on: options.on, numClasses: head.numClasses, labels, predicted };
}

/** Reads the predictions (frees them) and returns the τ of best class-balanced accuracy (the smallest among ties), with the curve. */
export async function chooseTau(predictions: TauPredictions): Promise<TauChoice> {
  const { grid, on, numClasses, labels, predicted } = predictions;
  try {
    const curve: Array<{ tau: number; balancedAccuracy: number }> = [];
    for (const [i, tau] of grid.entries()) {
      curve.push({ tau, balancedAccuracy: balancedAccuracy(await predicted[i].data(), labels, numClasses) });
    }
    const best = curve.reduce((a, b) => (b.balancedAccuracy > a.balancedAccuracy ? b : a));
    return { tau: best.tau, selectedOn: on, curve };
  } finally {
    tf.dispose(predicted as tf.Tensor1D[]);
  }
}

/**
 * Scores every τ of the grid by class-balanced accuracy of the τ-normalised head (bias dropped) and returns the
 * best (the smallest τ among ties), with the whole curve.
 */
export async function searchTau(backbone: Backbone, head: ClassifierHead, dataset: Dataset, options: TauSearchOptions): Promise<TauChoice> {
  return chooseTau(predictTauGrid(backbone, head, dataset, options));
}
