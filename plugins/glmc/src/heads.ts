import * as tf from '@tensorflow/tfjs-core';
import { LtError, type ClassifierHead, type ExtraModule, type ModelParts, type NamedVariable, type Rng } from '@lt/core';
import { DenseLayer, linearHead } from '@lt/models';
import type { GlmcOutputs } from './loss.js';

/**
 * Stable names of GLMC's heads: the checkpoint-level variable prefixes, and the `extras` keys of the model.
 * The stage-1 classifier `fc` keeps its own name (`head` for @lt/models), so a GLMC checkpoint holds
 * `head.*`, `fc_cb.*`, `projection_head.*` and `prediction_head.*` ([G]'s `contrast_head`).
 */
export const GLMC_NAMES = Object.freeze({
  rebalancedHead: 'fc_cb',
  projectionHead: 'projection_head',
  predictionHead: 'prediction_head',
  /** `extras` keys. */
  extras: Object.freeze({ classifier: 'fc', projection: 'projection', prediction: 'prediction' }),
});

/** A single linear layer as an extra head (GLMC's projection and prediction heads: no BN, no ReLU, B1). */
export class LinearExtra implements ExtraModule {
  private readonly layer: DenseLayer;

  constructor(
    readonly name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
  ) {
    this.layer = new DenseLayer({ name, inFeatures, outFeatures, rng });
  }

  /** x·Wᵀ + b for x of shape [B, in]. */
  apply(input: tf.Tensor2D): tf.Tensor2D {
    if (input.rank !== 2 || input.shape[1] !== this.inFeatures) {
      throw new LtError('GLMC_INPUT', `${this.name} takes [B, ${this.inFeatures}], got [${input.shape}]`);
    }
    return tf.tidy(() => this.layer.apply(input));
  }

  parameters(): NamedVariable[] {
    return this.layer.parameters();
  }

  buffers(): NamedVariable[] {
    return [];
  }
}

/** GLMC's four heads as one model holds them. */
export interface GlmcHeads {
  /** `fc`: the instance-balanced classifier (trained by L_bal; unused at inference). */
  readonly classifier: ExtraModule;
  /** `fc_cb`: the re-balanced classifier, the model's `head` (inference and stage 2 use it). */
  readonly rebalanced: ClassifierHead;
  readonly projection: ExtraModule;
  readonly prediction: ExtraModule;
}

/** Options of `withGlmcHeads`. */
export interface GlmcHeadOptions {
  /** Width P of the projection head D→P and of the prediction head P→P (128 for CIFAR, 256 for ResNeXt-50). */
  readonly projectionDim: number;
  /** Seeds the new heads (Kaiming-normal weights, U(±1/√fan_in) biases, B1). */
  readonly rng: Rng;
}

/** Whether the model already carries GLMC's heads (its head is `fc_cb` and the three extras are present). */
export function hasGlmcHeads(model: ModelParts): boolean {
  const { extras } = GLMC_NAMES;
  return (
    model.head.name === GLMC_NAMES.rebalancedHead &&
    model.extras[extras.classifier] !== undefined &&
    model.extras[extras.projection] !== undefined &&
    model.extras[extras.prediction] !== undefined
  );
}

/** Returns the GLMC heads of a model that has them; an error saying what is missing otherwise. */
export function glmcHeads(model: ModelParts): GlmcHeads {
  if (!hasGlmcHeads(model)) {
    throw new LtError(
      'GLMC_MODEL',
      `the model has no GLMC heads (head '${model.head.name}', extras [${Object.keys(model.extras).join(', ')}]): ` +
        `expected head 'fc_cb' with extras fc, projection and prediction, which glmc() adds in a representation stage`,
    );
  }
  const { extras } = GLMC_NAMES;
  return {
    classifier: model.extras[extras.classifier],
    rebalanced: model.head,
    projection: model.extras[extras.projection],
    prediction: model.extras[extras.prediction],
  };
}

/**
 * Returns the model with GLMC's heads (ALGORITHMS.md B1): the current head becomes `extras.fc`, a new re-balanced
 * classifier `fc_cb` (D→C) becomes the head, and a projection head (D→P) and prediction head (P→P) are added.
 * A model that already has them is returned unchanged (a second GLMC stage, or a resumed run, keeps its heads).
 */
export function withGlmcHeads(model: ModelParts, options: GlmcHeadOptions): ModelParts {
  const { projectionDim, rng } = options;
  const featureDim = model.backbone.featureDim;
  if (hasGlmcHeads(model)) {
    const projection = model.extras[GLMC_NAMES.extras.projection];
    if (projection instanceof LinearExtra && projection.outFeatures !== projectionDim) {
      throw new LtError(
        'GLMC_MODEL',
        `the model's projection head has ${projection.outFeatures} outputs but glmc() was given projectionDim ${projectionDim}: use the same value in every GLMC stage`,
      );
    }
    return model;
  }
  const taken = Object.values(GLMC_NAMES.extras).filter((key) => model.extras[key] !== undefined);
  if (taken.length > 0 || model.head.name === GLMC_NAMES.rebalancedHead) {
    throw new LtError(
      'GLMC_MODEL',
      `glmc() cannot add its heads: the model already has ${taken.length > 0 ? `extras [${taken.join(', ')}]` : "a head named 'fc_cb'"} from another plugin`,
    );
  }
  const rebalanced = linearHead({
    name: GLMC_NAMES.rebalancedHead,
    featureDim,
    numClasses: model.head.numClasses,
    rng: rng.fork(GLMC_NAMES.rebalancedHead),
  });
  const projection = new LinearExtra(GLMC_NAMES.projectionHead, featureDim, projectionDim, rng.fork(GLMC_NAMES.projectionHead));
  const prediction = new LinearExtra(GLMC_NAMES.predictionHead, projectionDim, projectionDim, rng.fork(GLMC_NAMES.predictionHead));
  return {
    backbone: model.backbone,
    head: rebalanced,
    extras: {
      ...model.extras,
      [GLMC_NAMES.extras.classifier]: model.head,
      [GLMC_NAMES.extras.projection]: projection,
      [GLMC_NAMES.extras.prediction]: prediction,
    },
  };
}

/** Returns what the four heads give for features f (ALGORITHMS.md D7). */
export function glmcOutputs(heads: GlmcHeads, features: tf.Tensor2D): GlmcOutputs {
  return tf.tidy(() => {
    const projection = heads.projection.apply(features);
    return {
      logits: heads.classifier.apply(features),
      rebalancedLogits: heads.rebalanced.apply(features),
      projection,
      prediction: heads.prediction.apply(projection),
    };
  });
}
