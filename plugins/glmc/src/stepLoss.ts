import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from '@lt/core';
import { glmcStepData, type GlmcStepData } from './batch.js';
import { glmcHeads, glmcOutputs, type GlmcHeads } from './heads.js';
import { glmcObjective, type GlmcLossTerms } from './loss.js';
import { cumulativeAlpha } from './cumulativeAlpha.js';

/**
 * Returns the GLMC loss terms of one step: both mixed batches go through the backbone separately (as in [G]:
 * each forward pass has its own BatchNorm batch statistics and running-stat update), then through the four heads.
 */
export function glmcStepLoss(
  data: Pick<GlmcStepData, 'mixup' | 'cutmix' | 'targets' | 'weightedTargets'>,
  heads: GlmcHeads,
  features: (x: tf.Tensor4D) => tf.Tensor2D,
  weights: { alpha: number; contrastWeight: number },
): GlmcLossTerms {
  return tf.tidy(() => {
    const mix = glmcOutputs(heads, features(data.mixup));
    const cut = glmcOutputs(heads, features(data.cutmix));
    return glmcObjective(mix, cut, data.targets, data.weightedTargets, weights);
  });
}

/** The `LossFn` of a GLMC stage: α_e from the stage's epoch (ALGORITHMS.md D10), fc_cb = the stage's head. */
export function glmcLoss(contrastWeight: number): LossFn {
  return (step) => {
    const heads = { ...glmcHeads(step.model), rebalanced: step.head };
    const alpha = cumulativeAlpha(step.epoch, step.stage.stage.epochs);
    return glmcStepLoss(glmcStepData(step.batch), heads, step.features, { alpha, contrastWeight }).total;
  };
}
