import type * as tf from '@tensorflow/tfjs-core';
import type { ClassifierHead, NamedVariable } from './types/model.js';

/**
 * Base of heads built around another head (rescaling, normalisation, constraints): everything delegates to the
 * wrapped head until a subclass overrides it. `foldToDense` is left to subclasses, since only linear ones have it.
 */
export abstract class HeadWrapper implements ClassifierHead {
  readonly name: string;
  readonly numClasses: number;
  readonly featureDim: number;
  abstract readonly config: Readonly<Record<string, unknown>>;

  constructor(readonly inner: ClassifierHead) {
    this.name = inner.name;
    this.numClasses = inner.numClasses;
    this.featureDim = inner.featureDim;
  }

  /** The wrapped head's direction weights. */
  get weight(): tf.Variable<tf.Rank.R2> {
    return this.inner.weight;
  }

  /** The wrapped head's bias. */
  get bias(): tf.Variable<tf.Rank.R1> {
    return this.inner.bias;
  }

  apply(features: tf.Tensor2D): tf.Tensor2D {
    return this.inner.apply(features);
  }

  weightNorms(): number[] {
    return this.inner.weightNorms();
  }

  parameters(): NamedVariable[] {
    return this.inner.parameters();
  }

  buffers(): NamedVariable[] {
    return this.inner.buffers();
  }
}
