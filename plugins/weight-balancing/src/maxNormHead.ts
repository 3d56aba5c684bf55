import * as tf from '@tensorflow/tfjs-core';
import { denseOf, HeadWrapper, type ClassifierHead, type DenseFold, type NamedVariable } from '@lt/core';
import { maxNormProject } from './maxNorm.js';

let instances = 0;

/**
 * The kept stage-1 classifier under a MaxNorm constraint. The threshold, fixed when the head is built (stage-2 start),
 * is a buffer `${name}.maxnorm_threshold`, so it is saved with every checkpoint and restored on resume; the projection
 * reads it on the device, never in JS, so it also runs on webgpu.
 */
export class MaxNormHead extends HeadWrapper {
  readonly config: Readonly<Record<string, unknown>>;
  readonly threshold: tf.Variable<tf.Rank.R0>;

  constructor(inner: ClassifierHead, threshold: number | tf.Scalar) {
    super(inner);
    const id = ++instances;
    const initial = () => (typeof threshold === 'number' ? tf.scalar(threshold) : threshold);
    this.threshold = tf.tidy(() => tf.variable(initial(), false, `${inner.name}.maxnorm_threshold/wb_${id}`)) as tf.Variable<tf.Rank.R0>;
    this.config = { kind: 'max-norm', numClasses: inner.numClasses, featureDim: inner.featureDim, base: inner.config };
  }

  /** Projects the weight rows onto the ball of radius `threshold` (the bias is never projected), on the device. */
  project(): void {
    tf.tidy(() => this.inner.weight.assign(maxNormProject(this.inner.weight, this.threshold)));
  }

  /** The wrapped head's buffers and the MaxNorm threshold. */
  override buffers(): NamedVariable[] {
    return [...this.inner.buffers(), { name: `${this.name}.maxnorm_threshold`, variable: this.threshold }];
  }

  /** The wrapped head's dense layer (MaxNorm changes the weights, not how logits are computed). */
  foldToDense(): DenseFold {
    return denseOf(this.inner);
  }

  /** Frees the threshold (the wrapped head's variables belong to it). */
  dispose(): void {
    this.threshold.dispose();
  }
}
