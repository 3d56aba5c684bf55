import * as tf from '@tensorflow/tfjs-core';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { createStageHooks, trackTapOwners, type StageHooks } from '../hooks.js';
import type { Dataset, Batch } from '../types/data.js';
import { modelVariables, type ModelParts, type NamedVariable, type ForwardMode, type ClassifierHead } from '../types/model.js';
import type { StageContext, StageSettings, StepContext, BatchContext } from '../types/context.js';
import type { Logger } from '../types/logger.js';
import type { LtPlugin, PluginSpec } from '../plugin/define.js';
import type { Rng } from '../rng.js';
import { Tokens } from '../tokens.js';
import { crossEntropyLoss } from '../loss/crossEntropy.js';
import { cosineSchedule } from '../optim/schedule.js';
import { instanceBalancedSampler } from '../sampling/instanceBalanced.js';
import { featureCacheApplies } from './featureCache.js';
import { variableGrads } from '../ops/variableGrads.js';

/** A stage ready to train: hooks tapped, head rescaled, sampler, loss and schedule chosen. */
export interface PreparedStage {
  readonly hooks: StageHooks;
  readonly context: StageContext;
  readonly model: ModelParts;
  readonly trainable: NamedVariable[];
  readonly forwardMode: ForwardMode;
  readonly sampler: ReturnType<StageHooks['sampler']['call']>;
  readonly loss: ReturnType<StageHooks['loss']['call']>;
  readonly schedule: ReturnType<StageHooks['scheduler']['call']>;
  /** Whether steps train on precomputed features (see featureCache.ts); built by `startFeatureCache`. */
  readonly useFeatureCache: boolean;
  /** The precomputed features [N, D] while the stage trains from them. */
  featureCache?: tf.Tensor2D;
}

/** Inputs to `prepareStage`. */
export interface StageInputs {
  readonly settings: StageSettings;
  readonly plugins: readonly PluginSpec[];
  readonly model: ModelParts;
  readonly dataset: Dataset;
  readonly seed: number;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly container: DependencyContainer;
}

/** Resolves the stage's plugins through DI, lets them tap the hooks, and runs the stage-start waterfalls. */
export function prepareStage(inputs: StageInputs): PreparedStage {
  const { settings, dataset } = inputs;
  const container = inputs.container.createChildContainer();
  container.register(Tokens.Stage, { useValue: settings });
  container.register(Tokens.Rng, { useValue: inputs.rng });
  container.register(Tokens.Model, { useValue: inputs.model });
  const hooks = createStageHooks();
  const owners = trackTapOwners(hooks);
  const context: { -readonly [K in keyof StageContext]: StageContext[K] } = {
    stage: settings,
    seed: inputs.seed,
    dataset,
    classCounts: dataset.classCounts,
    numClasses: dataset.info.numClasses,
    model: inputs.model,
    rng: inputs.rng,
    logger: inputs.logger,
    container,
  };
  for (const spec of inputs.plugins) {
    if (spec.token !== undefined) container.register(spec.token, { useValue: spec.options });
    const plugin = container.resolve(spec.plugin as unknown as InjectionToken<LtPlugin>);
    owners.setOwner(spec.name);
    plugin.apply(hooks, context);
  }
  owners.check();
  const withExtras = hooks.model.call(inputs.model, context);
  context.model = withExtras;
  const head = hooks.classifierRescale.call(withExtras.head, context);
  const model: ModelParts = { ...withExtras, head };
  disposeReplaced(withExtras.head, model);
  context.model = model;
  const sampler = hooks.sampler.call(
    instanceBalancedSampler({ size: dataset.trainLabels.length, batchSize: settings.batchSize }),
    context,
  );
  const loss = hooks.loss.call(crossEntropyLoss, context);
  const schedule = hooks.scheduler.call(
    cosineSchedule({ lr: settings.lr, epochs: settings.epochs, warmupEpochs: settings.warmupEpochs }),
    context,
  );
  const frozen = settings.freeze === 'backbone';
  const trainable = frozen
    ? head.parameters()
    : [model.backbone, head, ...Object.values(model.extras)].flatMap((m) => m.parameters());
  const recalibrate = settings.batchNorm === 'recalibrate' && model.backbone.hasBatchNorm !== false;
  const forwardMode = hooks.forwardMode.call(!frozen ? 'train' : recalibrate ? 'recalibrate' : 'eval', context);
  const useFeatureCache = featureCacheApplies({
    enabled: settings.featureCache,
    frozen,
    forwardMode,
    augmented: settings.augment && dataset.augments,
    batchTransforms: hooks.batch.taps.length,
  });
  return { hooks, context, model, trainable, forwardMode, sampler, loss, schedule, useFeatureCache };
}

/** Frees the variables of a head that `classifierRescale` replaced and that the new model no longer uses. */
function disposeReplaced(previous: ClassifierHead, model: ModelParts): void {
  if (previous === model.head) return;
  const kept = new Set(modelVariables(model).map((v) => v.variable));
  for (const { variable } of [...previous.parameters(), ...previous.buffers()]) if (!kept.has(variable)) variable.dispose();
}

function trainBatchOptions(context: StageContext, stepRng: Rng): { augment: boolean; rng: Rng } {
  return { augment: context.stage.augment && context.dataset.augments, rng: stepRng.fork('augment') };
}

/** The random stream of one step: `computeStep` and `prefetchSteps` must draw the same augmentation from it. */
export function stepRng(prepared: PreparedStage, epoch: number, step: number): Rng {
  return prepared.context.rng.fork('step', epoch, step);
}

/** Asks a dataset that decodes off-thread to start on the batches of steps `from`..`from + count − 1`. */
export function prefetchSteps(prepared: PreparedStage, epoch: number, batches: readonly Int32Array[], from: number, count: number): void {
  const { dataset } = prepared.context;
  if (dataset.prefetchTrainBatch === undefined || prepared.featureCache !== undefined) return;
  for (let step = from; step < Math.min(batches.length, from + count); step++) {
    dataset.prefetchTrainBatch(batches[step], trainBatchOptions(prepared.context, stepRng(prepared, epoch, step)));
  }
}

/** Runs one optimisation step's forward and backward; returns the loss value and gradients (caller disposes). */
export function computeStep(
  prepared: PreparedStage,
  position: { epoch: number; step: number; rng: Rng },
  indices: Int32Array,
): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  const { context, model, forwardMode } = prepared;
  const dataset = context.dataset;
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) labels[i] = dataset.trainLabels[indices[i]];
  const batchContext: BatchContext = { stage: context, epoch: position.epoch, step: position.step, rng: position.rng };
  const raw: Batch = {
    x: dataset.trainBatch(indices, trainBatchOptions(context, position.rng)),
    labels: tf.tensor1d(labels, 'int32'),
    indices,
  };
  const batch = prepared.hooks.batch.call(raw, batchContext);
  // A frozen backbone needs no tape: its features are computed once, outside the gradient computation.
  const frozenFeatures = new Map<tf.Tensor, tf.Tensor2D>();
  if (prepared.featureCache !== undefined) frozenFeatures.set(batch.x, tf.gather(prepared.featureCache, tf.tensor1d(indices, 'int32')));
  else if (context.stage.freeze === 'backbone') frozenFeatures.set(batch.x, model.backbone.apply(batch.x, forwardMode));
  const features = (x: tf.Tensor4D): tf.Tensor2D => frozenFeatures.get(x) ?? model.backbone.apply(x, forwardMode);
  const head: ClassifierHead = model.head;
  const step: StepContext = {
    ...batchContext,
    batch,
    head,
    model,
    features,
    logits: (x) => head.apply(features(x)),
  };
  const variables = prepared.trainable.map((p) => p.variable);
  const { value, grads } = variableGrads(() => prepared.loss(step), variables);
  return { loss: value, grads };
}
