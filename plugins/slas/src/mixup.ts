import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  defineOptions,
  definePlugin,
  inject,
  injectable,
  type Batch,
  type LossFn,
  type LtPlugin,
  type PluginSpec,
  type Rng,
  type StageHooks,
  type StepContext,
} from '@lt/core';
import { version } from './version.js';

/** How a batch was mixed: x̃ = λ·x + (1 − λ)·x[permutation], labels y_a = labels, y_b = labels[permutation]. */
export interface MixupInfo {
  readonly lambda: number;
  readonly permutation: Int32Array;
  /** y_b = labels[permutation], int32 [B]. */
  readonly labelsB: tf.Tensor1D;
}

/** A batch produced by `mixupBatch`: soft `targets` plus what the mixup loss needs. */
export interface MixedBatch extends Batch {
  readonly targets: tf.Tensor2D;
  readonly mixup: MixupInfo;
}

/** The mixing information of a batch, or undefined when MixUp did not produce it. */
export function mixupOf(batch: Batch): MixupInfo | undefined {
  return (batch as Partial<MixedBatch>).mixup;
}

/**
 * Within-batch MixUp (ALGORITHMS.md E1, MiSLAS `mixup_data`): λ ~ Beta(α, α) (λ = 1 when α = 0), a random
 * permutation π of the batch, x̃ = λ·x + (1 − λ)·x_π; the returned batch keeps `labels` = y, records y_π and λ,
 * and sets `targets` = λ·onehot(y) + (1 − λ)·onehot(y_π). Draws λ then π from `rng`.
 */
export function mixupBatch(batch: Batch, numClasses: number, alpha: number, rng: Rng): MixedBatch {
  const lambda = alpha > 0 ? rng.beta(alpha, alpha) : 1;
  const size = batch.x.shape[0];
  const permutation = rng.shuffle(Int32Array.from({ length: size }, (_, i) => i));
  const { x, labelsB, targets } = tf.tidy(() => {
    const order = tf.tensor1d(permutation, 'int32');
    const labelsA = tf.cast(batch.labels, 'int32') as tf.Tensor1D;
    const labelsB = tf.gather(labelsA, order) as tf.Tensor1D;
    const oneHot = (labels: tf.Tensor1D) => tf.cast(tf.oneHot(labels, numClasses), 'float32');
    return {
      x: tf.add(tf.mul(batch.x, lambda), tf.mul(tf.gather(batch.x, order), 1 - lambda)) as tf.Tensor4D,
      labelsB,
      targets: tf.add(tf.mul(oneHot(labelsA), lambda), tf.mul(oneHot(labelsB), 1 - lambda)) as tf.Tensor2D,
    };
  });
  return { ...batch, x, targets, mixup: { lambda, permutation, labelsB } };
}

/**
 * Wraps a loss so that on a mixed batch it returns λ·L(y_a) + (1 − λ)·L(y_b) (MiSLAS `mixup_criterion`): the
 * wrapped loss is called twice with hard labels and no targets, and the two calls share one forward pass.
 * On batches MixUp did not touch it is the wrapped loss unchanged.
 */
export function mixupLoss(loss: LossFn): LossFn {
  return (step) => {
    const info = mixupOf(step.batch);
    if (info === undefined) return loss(step);
    const features = new Map<tf.Tensor, tf.Tensor2D>();
    const logits = new Map<tf.Tensor, tf.Tensor2D>();
    const sharedFeatures = (x: tf.Tensor4D): tf.Tensor2D => {
      let f = features.get(x);
      if (f === undefined) features.set(x, (f = step.features(x)));
      return f;
    };
    const sharedLogits = (x: tf.Tensor4D): tf.Tensor2D => {
      let z = logits.get(x);
      if (z === undefined) logits.set(x, (z = step.head.apply(sharedFeatures(x))));
      return z;
    };
    // Strip the soft targets and the mixing record: each call sees an ordinary hard-label batch.
    const { targets: _targets, mixup: _mixup, ...hard } = step.batch as MixedBatch;
    const withLabels = (labels: tf.Tensor1D): StepContext => ({
      ...step,
      batch: { ...hard, labels },
      features: sharedFeatures,
      logits: sharedLogits,
    });
    const a = loss(withLabels(step.batch.labels));
    const b = loss(withLabels(info.labelsB));
    return tf.add(tf.mul(a, info.lambda), tf.mul(b, 1 - info.lambda)) as tf.Scalar;
  };
}

/** Options of `mixup()`. */
export const mixupOptionsSchema = z.strictObject({
  /** λ ~ Beta(α, α); MiSLAS uses 1 (uniform λ); 0 turns mixing off (λ = 1). */
  alpha: z.number().nonnegative().default(1),
});

/** Validated MixUp options. */
export type MixupOptionsT = z.output<typeof mixupOptionsSchema>;

/** DI token of the validated MixUp options. */
export const MixupOptions = defineOptions<MixupOptionsT>('@lt/slas:mixup', mixupOptionsSchema);

/**
 * Within-batch MixUp for representation learning (MiSLAS stage 1). The `batch` tap mixes images and sets soft
 * targets; the `loss` tap (tapable stage 100, so it wraps whatever loss the stage ends up with, including one a
 * plugin such as `ce()` replaced) computes λ·L(y_a) + (1 − λ)·L(y_b) with one forward pass.
 */
@injectable()
export class MixupPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/slas:mixup', version };

  constructor(@inject(MixupOptions) private readonly options: MixupOptionsT) {}

  /** Mixes each batch (`batch`) and evaluates the final loss on both label sets (`loss`, tapable stage 100). */
  apply(hooks: StageHooks): void {
    const name = MixupPlugin.meta.name;
    hooks.batch.tap(name, (batch, context) => mixupBatch(batch, context.stage.numClasses, this.options.alpha, context.rng.fork('mixup')));
    hooks.loss.tap({ name, stage: 100 }, (loss) => mixupLoss(loss));
  }
}

/** The MixUp plugin (stage 1 of MiSLAS): `mixup({ alpha: 1 })`. */
export const mixup = (options: z.input<typeof mixupOptionsSchema> = {}): PluginSpec => definePlugin(MixupPlugin, MixupOptions, options);
