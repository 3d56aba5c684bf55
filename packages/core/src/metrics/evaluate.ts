import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../types/data.js';
import type { Backbone, ClassifierHead } from '../types/model.js';
import { confusionMatrix, perClassAccuracy } from './confusion.js';
import { withInferenceCache } from '../ops/inferenceCache.js';
import { manyMediumFew, type EmptyGroupValue, type ManyMediumFew, type ManyMediumFewRule } from './manyMediumFew.js';

/** How the test set is scored. */
export interface EvaluationOptions {
  /** Average logits of x and its horizontal flip, as the SAMN reference code does (ALGORITHMS.md G). */
  readonly flipTTA: boolean;
  readonly batchSize: number;
  readonly manyMediumFew: ManyMediumFewRule;
  readonly emptyGroup: EmptyGroupValue;
}

/** Test-set metrics of one evaluation. */
export interface EvalMetrics {
  readonly top1: number;
  readonly top5: number;
  readonly perClass: number[];
  /** Row-major C×C confusion matrix (rows = true class). */
  readonly confusion: number[];
  readonly manyMediumFew: ManyMediumFew;
}

/** Logits of the head on backbone features in eval mode, optionally averaged with the flipped input's. */
export function predictLogits(backbone: Backbone, head: ClassifierHead, x: tf.Tensor4D, flipTTA: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = head.apply(backbone.apply(x, 'eval'));
    if (!flipTTA) return logits;
    const flipped = head.apply(backbone.apply(tf.reverse(x, 2), 'eval'));
    return tf.mul(tf.add(logits, flipped), 0.5);
  });
}

/**
 * Scores the model on the dataset's whole test split. Asynchronous because predictions are read back with `data()`:
 * the webgpu backend has no synchronous read in Node. Weights derived for the forward (folded BatchNorms) are derived
 * once for the whole split (withInferenceCache).
 */
export function evaluate(
  model: { backbone: Backbone; head: ClassifierHead },
  dataset: Dataset,
  options: EvaluationOptions,
): Promise<EvalMetrics> {
  return withInferenceCache(() => scoreTestSplit(model, dataset, options));
}

async function scoreTestSplit(
  model: { backbone: Backbone; head: ClassifierHead },
  dataset: Dataset,
  options: EvaluationOptions,
): Promise<EvalMetrics> {
  const total = dataset.testLabels.length;
  const numClasses = dataset.info.numClasses;
  const k = Math.min(5, numClasses);
  const top1 = new Int32Array(total);
  let top5Hits = 0;
  for (let start = 0; start < total; start += options.batchSize) {
    const end = Math.min(total, start + options.batchSize);
    const indices = tf.tidy(() => {
      const x = dataset.testBatch(start, end);
      return tf.topk(predictLogits(model.backbone, model.head, x, options.flipTTA), k).indices;
    });
    const ranked = await indices.data();
    indices.dispose();
    for (let i = 0; i < end - start; i++) {
      const label = dataset.testLabels[start + i];
      top1[start + i] = ranked[i * k];
      for (let j = 0; j < k; j++) {
        if (ranked[i * k + j] === label) {
          top5Hits++;
          break;
        }
      }
    }
  }
  const confusion = confusionMatrix(dataset.testLabels, top1, numClasses);
  const perClass = perClassAccuracy(confusion, numClasses);
  let correct = 0;
  for (let c = 0; c < numClasses; c++) correct += confusion[c * numClasses + c];
  return {
    top1: correct / total,
    top5: top5Hits / total,
    perClass,
    confusion: Array.from(confusion),
    manyMediumFew: manyMediumFew(perClass, dataset.classCounts, options.manyMediumFew, options.emptyGroup),
  };
}
