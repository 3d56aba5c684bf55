import * as tf from '@tensorflow/tfjs-core';
import { HeadWrapper, LtError, type ClassifierHead, type DenseFold, type NamedVariable } from '@lt/core';
import { scaledParameters } from './lwsHead.js';
import { tauNormalize } from './tauNormalize.js';

/** How τ was chosen, kept in the head's config (so it is saved with every checkpoint of the stage). */
export interface TauChoice {
  readonly tau: number;
  /** `fixed`: given as an option; otherwise the split it was selected on. */
  readonly selectedOn: 'fixed' | 'train-split' | 'test';
  /** Class-balanced accuracy of every τ tried, in grid order (empty when fixed). */
  readonly curve: ReadonlyArray<{ readonly tau: number; readonly balancedAccuracy: number }>;
}

/**
 * The τ-normalised classifier (Kang et al.): logits = f·w̃ᵀ with w̃_k = w_k/‖w_k‖^τ and the bias dropped, as the
 * reference evaluation does. Post hoc: the wrapped head's parameters are exposed with lr factor 0, so a stage
 * that runs this head leaves them unchanged.
 */
export class TauNormHead extends HeadWrapper {
  #choice: TauChoice | undefined;

  /** Without a choice, τ is set later by `choose` (the plugin searches it where reading back can be awaited). */
  constructor(inner: ClassifierHead, choice?: TauChoice) {
    super(inner);
    this.#choice = choice;
  }

  get choice(): TauChoice {
    if (this.#choice === undefined) {
      throw new LtError('TAU_NOT_CHOSEN', `tau-norm head '${this.name}': τ is used before it was chosen (the τ search runs at stage start)`);
    }
    return this.#choice;
  }

  /** Sets τ, once, on a head built without it. */
  choose(choice: TauChoice): void {
    if (this.#choice !== undefined) throw new LtError('TAU_ALREADY_CHOSEN', `tau-norm head '${this.name}': τ is already ${this.#choice.tau}`);
    this.#choice = choice;
  }

  get config(): Readonly<Record<string, unknown>> {
    return { kind: 'tau-norm', numClasses: this.numClasses, featureDim: this.featureDim, ...this.#choice, base: this.inner.config };
  }

  get tau(): number {
    return this.choice.tau;
  }

  /** Logits f·w̃ᵀ with the τ-normalised rows and no bias. */
  override apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(features, tauNormalize(this.inner.weight, this.tau), false, true));
  }

  /** ‖w̃_k‖ = ‖w_k‖^(1−τ). */
  override weightNorms(): number[] {
    return this.inner.weightNorms().map((norm) => norm ** (1 - this.tau));
  }

  /** The wrapped head's parameters at lr factor 0: τ-norm trains nothing. */
  override parameters(): NamedVariable[] {
    return scaledParameters(this.inner, 0);
  }

  /** The normalised rows and a zero bias. */
  foldToDense(): DenseFold {
    return { weight: tauNormalize(this.inner.weight, this.tau), bias: tf.zeros([this.numClasses]) };
  }
}
