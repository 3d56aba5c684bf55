import type * as tf from '@tensorflow/tfjs-core';
import type { DependencyContainer } from 'tsyringe';
import type { Batch, Dataset } from './data.js';
import type { ClassifierHead, ModelParts } from './model.js';
import type { Logger } from './logger.js';
import type { Rng } from '../rng.js';

/** `frozen`: BatchNorm uses running statistics; `recalibrate`: batch statistics, running stats re-estimated. */
export type FrozenBatchNormMode = 'frozen' | 'recalibrate';

/** A stage's settings after defaults are applied. */
export interface StageSettings {
  readonly name: string;
  readonly index: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly freeze: 'none' | 'backbone';
  readonly batchNorm: FrozenBatchNormMode;
  readonly warmupEpochs: number;
  readonly augment: boolean;
  /** Whether a frozen, eval-mode, un-augmented stage may train on features computed once. */
  readonly featureCache: boolean;
  /** Whether the stage starts from the previous stage's final weights or its best-on-test epoch. */
  readonly initFrom: 'final' | 'best-on-test';
}

/** What every hook tap of a stage receives. */
export interface StageContext {
  readonly stage: StageSettings;
  readonly seed: number;
  readonly dataset: Dataset;
  readonly classCounts: readonly number[];
  readonly numClasses: number;
  /** The model as the `model` hook left it (stage start). */
  readonly model: ModelParts;
  /** This stage's random stream. */
  readonly rng: Rng;
  readonly logger: Logger;
  /** The stage's DI container (child of the run's). */
  readonly container: DependencyContainer;
}

/** Position of a step, given to `batch` taps. */
export interface BatchContext {
  readonly stage: StageContext;
  readonly epoch: number;
  readonly step: number;
  /** This step's random stream. */
  readonly rng: Rng;
}

/** What a loss function receives for one step. */
export interface StepContext extends BatchContext {
  readonly batch: Batch;
  /** The head trained and evaluated in this stage (after `classifierRescale`). */
  readonly head: ClassifierHead;
  readonly model: ModelParts;
  /** Backbone features of `x` in this stage's BatchNorm mode. */
  features(x: tf.Tensor4D): tf.Tensor2D;
  /** `head(features(x))`. */
  logits(x: tf.Tensor4D): tf.Tensor2D;
}

/** A training objective: the scalar loss of one step (called inside the gradient tape). */
export type LossFn = (step: StepContext) => tf.Scalar;

/** Learning rate of a (0-based) epoch. */
export type LrSchedule = (epoch: number) => number;
