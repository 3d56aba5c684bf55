import type * as tf from '@tensorflow/tfjs-core';
import type { DatasetInfo } from './data.js';
import type { Rng } from '../rng.js';

/** A variable with its stable, checkpoint-level name (e.g. `backbone.stem.conv.weight`). */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
  /** Multiplies the stage's learning rate for this parameter (a parameter group's lr factor); default 1. */
  readonly lrMultiplier?: number;
}

/**
 * How BatchNorm behaves in a forward pass:
 * `train` batch statistics + running-stat update; `eval` running statistics;
 * `recalibrate` batch statistics + running-stat update with affine parameters frozen (the caller freezes them).
 */
export type ForwardMode = 'train' | 'eval' | 'recalibrate';

/** Anything with parameters. */
export interface Module {
  readonly name: string;
  /** Trainable parameters. */
  parameters(): NamedVariable[];
  /** Non-trainable state saved with checkpoints (BatchNorm running statistics). */
  buffers(): NamedVariable[];
}

/** The feature extractor: images to features [B, D]. */
export interface Backbone extends Module {
  readonly featureDim: number;
  /** Features [B, D] of images [B, H, W, C]; `mode` sets how BatchNorm behaves. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D;
}

/** A classifier head: features [B, D] to logits [B, C]. */
export interface ClassifierHead extends Module {
  readonly numClasses: number;
  readonly featureDim: number;
  /** Direction weights, one row per class: [C, D]. */
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  /** Logits [B, C] of features [B, D]. */
  apply(features: tf.Tensor2D): tf.Tensor2D;
  /** L2 norm of each class's effective weight vector, in class order. */
  weightNorms(): number[];
  /** The head's configuration, saved in checkpoints so the head can be rebuilt. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * The head as one dense layer, logits = features·weightᵀ + bias (weight [C, D]), with every method-specific
   * rescaling folded in; new tensors the caller disposes. Absent where the head is not linear in its features.
   */
  foldToDense?(): DenseFold;
}

/** A classifier head folded into a plain dense layer (what `lt export` writes). */
export interface DenseFold {
  readonly weight: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
}

/** An extra trainable head added by a plugin (e.g. GLMC's projection head). */
export interface ExtraModule extends Module {
  /** The head's output for its input (e.g. a projection of the features). */
  apply(input: tf.Tensor2D): tf.Tensor2D;
}

/** A model as the engine sees it: backbone + classifier head + optional extra heads. */
export interface ModelParts {
  readonly backbone: Backbone;
  readonly head: ClassifierHead;
  readonly extras: Readonly<Record<string, ExtraModule>>;
}

/** A model description that is built once the dataset (classes, shape) is known. */
export interface ModelSpec {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** Builds the model, with fresh variables drawn from `rng`, for the dataset described by `info`. */
  build(context: { info: DatasetInfo; rng: Rng }): ModelParts;
}

/** Every variable of a model (parameters and buffers), for checkpoints. */
export function modelVariables(parts: ModelParts): NamedVariable[] {
  const modules: Module[] = [parts.backbone, parts.head, ...Object.values(parts.extras)];
  return modules.flatMap((m) => [...m.parameters(), ...m.buffers()]);
}
