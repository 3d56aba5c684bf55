import * as tf from '@tensorflow/tfjs-core';
import type { Backbone } from '../types/model.js';
import type { Dataset } from '../types/data.js';
import type { Rng } from '../rng.js';
import { withInferenceCache } from '../ops/inferenceCache.js';

/**
 * Whether a stage can train on precomputed features: the backbone is frozen and runs in eval mode (no BatchNorm
 * statistics move), inputs are not augmented and no batch transform rewrites them — then every epoch's features
 * are the same, and the reference code's per-batch backbone recomputation is pure waste.
 */
export function featureCacheApplies(conditions: {
  enabled: boolean;
  frozen: boolean;
  forwardMode: string;
  augmented: boolean;
  batchTransforms: number;
}): boolean {
  return conditions.enabled && conditions.frozen && conditions.forwardMode === 'eval' && !conditions.augmented && conditions.batchTransforms === 0;
}

/** Features [N, D] of every training image, un-augmented, in eval mode (the caller disposes them). */
export function computeFeatureCache(backbone: Backbone, dataset: Dataset, batchSize: number, rng: Rng): tf.Tensor2D {
  const total = dataset.trainLabels.length;
  const parts: tf.Tensor2D[] = [];
  withInferenceCache(() => {
    for (let start = 0; start < total; start += batchSize) {
      const indices = Int32Array.from({ length: Math.min(batchSize, total - start) }, (_, i) => start + i);
      parts.push(tf.tidy(() => backbone.apply(dataset.trainBatch(indices, { augment: false, rng }), 'eval')));
    }
  });
  const features = tf.concat(parts, 0);
  tf.dispose(parts);
  return features;
}
