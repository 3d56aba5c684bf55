import * as tf from '@tensorflow/tfjs-core';
import { denseOf, HeadWrapper, type ClassifierHead, type DenseFold, type NamedVariable } from '@lt/core';


/** Options of an `LwsHead`. */
export interface LwsHeadOptions {
  /** Learning-rate factor of the wrapped classifier's parameters (MiSLAS `lr_factor`); default 1. */
  readonly classifierLrFactor?: number;
  /** Learning-rate factor of the LWS scale; default 1 (MiSLAS trains it at the stage's lr). */
  readonly lwsLrFactor?: number;
}

/** What an LWS head records in checkpoints as its config. */
export interface LwsHeadConfig {
  readonly kind: 'lws';
  readonly numClasses: number;
  readonly featureDim: number;
  readonly classifierLrFactor: number;
  readonly lwsLrFactor: number;
  /** The config of the wrapped head. */
  readonly base: Readonly<Record<string, unknown>>;
}

/** The wrapped head's parameters with their lr multipliers scaled by `factor` (a parameter group's lr factor). */
export function scaledParameters(head: ClassifierHead, factor: number): NamedVariable[] {
  if (factor === 1) return head.parameters();
  return head.parameters().map((p) => ({ ...p, lrMultiplier: (p.lrMultiplier ?? 1) * factor }));
}

// tf variable names are process-global; the checkpoint-level name is the NamedVariable name.
let instances = 0;

/**
 * Learnable weight scaling (MiSLAS's LWS, ALGORITHMS.md E1): wraps a classifier head and multiplies its logits,
 * bias included, by a per-class scale s ∈ R^C initialised to 1. Parameters: the wrapped head's (lr factor
 * `classifierLrFactor`) and `${name}.lws_scale` (lr factor `lwsLrFactor`).
 */
export class LwsHead extends HeadWrapper {
  readonly scale: tf.Variable<tf.Rank.R1>;
  readonly config: Readonly<LwsHeadConfig> & Readonly<Record<string, unknown>>;

  constructor(inner: ClassifierHead, options: LwsHeadOptions = {}) {
    super(inner);
    const id = ++instances;
    // tf.variable shares the initial tensor's data: created inside a tidy, the initial tensor itself is freed.
    this.scale = tf.tidy(() => tf.variable(tf.ones([inner.numClasses]), true, `${inner.name}.lws_scale/lws_${id}`, 'float32')) as tf.Variable<tf.Rank.R1>;
    this.config = {
      kind: 'lws',
      numClasses: inner.numClasses,
      featureDim: inner.featureDim,
      classifierLrFactor: options.classifierLrFactor ?? 1,
      lwsLrFactor: options.lwsLrFactor ?? 1,
      base: inner.config,
    };
  }

  /** Logits s ⊙ (inner logits): every class's logit, bias included, times its scale. */
  override apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.mul(this.inner.apply(features), this.scale) as tf.Tensor2D);
  }

  /** The norms of the effective class vectors: |s_k|·‖w_k‖ (from the wrapped head's norms). */
  override weightNorms(): number[] {
    const scale = this.scale.dataSync();
    return this.inner.weightNorms().map((norm, k) => Math.abs(scale[k]) * norm);
  }

  /** The wrapped head's parameters (at the classifier lr factor) and the LWS scale. */
  override parameters(): NamedVariable[] {
    return [
      ...scaledParameters(this.inner, this.config.classifierLrFactor),
      { name: `${this.name}.lws_scale`, variable: this.scale, lrMultiplier: this.config.lwsLrFactor },
    ];
  }

  /** The wrapped head's dense layer with row k and bias k multiplied by s_k. */
  foldToDense(): DenseFold {
    const inner = denseOf(this.inner);
    const folded = tf.tidy(() => ({
      weight: tf.mul(inner.weight, tf.expandDims(this.scale, 1)) as tf.Tensor2D,
      bias: tf.mul(inner.bias, this.scale) as tf.Tensor1D,
    }));
    tf.dispose([inner.weight, inner.bias]);
    return folded;
  }

  /** Frees the scale (the wrapped head's variables belong to the wrapped head). */
  dispose(): void {
    this.scale.dispose();
  }
}

/**
 * A head that only changes the learning rate of another head's parameters (a separate parameter group for the
 * classifier without LWS): everything else — logits, norms, config — is the wrapped head's.
 */
export class LrScaledHead extends HeadWrapper {
  readonly config: Readonly<Record<string, unknown>>;

  constructor(
    inner: ClassifierHead,
    readonly lrFactor: number,
  ) {
    super(inner);
    this.config = inner.config;
  }

  /** The wrapped head's parameters, their lr multipliers scaled by `lrFactor`. */
  override parameters(): NamedVariable[] {
    return scaledParameters(this.inner, this.lrFactor);
  }

  /** The wrapped head's dense layer (only the learning rate differs). */
  foldToDense(): DenseFold {
    return denseOf(this.inner);
  }
}
