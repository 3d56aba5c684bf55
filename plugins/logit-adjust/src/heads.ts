import * as tf from '@tensorflow/tfjs-core';
import { denseOf, HeadWrapper, type ClassifierHead, type DenseFold, type NamedVariable } from '@lt/core';

/**
 * LDAM-DRW's cosine classifier (the reference's NormedLinear): logits = (f/‖f‖)·(w_k/‖w_k‖), no bias. It reuses the
 * wrapped head's weight rows; the wrapped bias is kept as a buffer (saved, untrained, unused). Not linear in its
 * features, so it has no `foldToDense`.
 */
export class CosineHead extends HeadWrapper {
  readonly config: Readonly<Record<string, unknown>>;

  constructor(inner: ClassifierHead) {
    super(inner);
    this.config = { kind: 'cosine', numClasses: inner.numClasses, featureDim: inner.featureDim, base: inner.config };
  }

  /** Cosine logits: unit-norm features times unit-norm class rows. */
  override apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(unitRows(features), unitRows(this.inner.weight), false, true));
  }

  /** Every effective class vector has norm 1. */
  override weightNorms(): number[] {
    return new Array<number>(this.numClasses).fill(1);
  }

  /** The wrapped head's weight rows (the bias is unused by a cosine head). */
  override parameters(): NamedVariable[] {
    return this.inner.parameters().filter((p) => p.variable !== this.inner.bias);
  }

  /** The wrapped head's buffers and its bias, kept in checkpoints but not trained. */
  override buffers(): NamedVariable[] {
    return [...this.inner.buffers(), ...this.inner.parameters().filter((p) => p.variable === this.inner.bias)];
  }
}

/** Rows divided by max(‖row‖, 1e-12), as torch's F.normalize. */
function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12));
}

/** A head whose logits are shifted by a fixed per-class vector (post-hoc logit adjustment: the shift is −log(π^τ+1e-12)). */
export class ShiftedHead extends HeadWrapper {
  readonly config: Readonly<Record<string, unknown>>;
  private readonly offset: Float64Array;

  constructor(inner: ClassifierHead, shift: ArrayLike<number>, kind = 'posthoc-logit-adjust') {
    super(inner);
    this.offset = Float64Array.from(shift);
    this.config = { kind, numClasses: inner.numClasses, featureDim: inner.featureDim, shift: Array.from(shift), base: inner.config };
  }

  /** The wrapped head's logits plus the fixed per-class shift. */
  override apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(this.inner.apply(features), tf.tensor1d(Array.from(this.offset))));
  }

  /** The wrapped dense layer with the shift added to its bias. */
  foldToDense(): DenseFold {
    const inner = denseOf(this.inner);
    const bias = tf.tidy(() => tf.add(inner.bias, tf.tensor1d(Array.from(this.offset))) as tf.Tensor1D);
    inner.bias.dispose();
    return { weight: inner.weight, bias };
  }
}
