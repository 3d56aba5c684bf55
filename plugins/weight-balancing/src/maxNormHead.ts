import * as tf from '@tensorflow/tfjs-core';
import { denseOf, type ClassifierHead, type DenseFold, type NamedVariable } from '@lt/core';
import { maxNormProject } from './maxNorm.js';

let instances = 0;

/**
 * The kept stage-1 classifier under a MaxNorm constraint. The threshold, fixed when the head is built (stage-2 start),
 * is a buffer `${name}.maxnorm_threshold`, so it is saved with every checkpoint and restored on resume.
 */
export class MaxNormHead implements ClassifierHead {
  readonly name: string;
  readonly numClasses: number;
  readonly featureDim: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly threshold: tf.Variable<tf.Rank.R0>;

  constructor(
    readonly inner: ClassifierHead,
    threshold: number,
  ) {
    this.name = inner.name;
    this.numClasses = inner.numClasses;
    this.featureDim = inner.featureDim;
    const id = ++instances;
    this.threshold = tf.tidy(() => tf.variable(tf.scalar(threshold), false, `${inner.name}.maxnorm_threshold/wb_${id}`)) as tf.Variable<tf.Rank.R0>;
    this.config = { kind: 'max-norm', numClasses: inner.numClasses, featureDim: inner.featureDim, base: inner.config };
  }

  get weight(): tf.Variable<tf.Rank.R2> {
    return this.inner.weight;
  }

  get bias(): tf.Variable<tf.Rank.R1> {
    return this.inner.bias;
  }

  apply(features: tf.Tensor2D): tf.Tensor2D {
    return this.inner.apply(features);
  }

  weightNorms(): number[] {
    return this.inner.weightNorms();
  }

  /** Projects the weight rows onto the ball of radius `threshold` (the bias is never projected). */
  project(): void {
    const limit = this.threshold.dataSync()[0];
    tf.tidy(() => this.inner.weight.assign(maxNormProject(this.inner.weight, limit)));
  }

  parameters(): NamedVariable[] {
    return this.inner.parameters();
  }

  buffers(): NamedVariable[] {
    return [...this.inner.buffers(), { name: `${this.name}.maxnorm_threshold`, variable: this.threshold }];
  }

  foldToDense(): DenseFold {
    return denseOf(this.inner);
  }

  /** Frees the threshold (the wrapped head's variables belong to it). */
  dispose(): void {
    this.threshold.dispose();
  }
}
