import * as tf from '@tensorflow/tfjs-core';
import { LtError, type ClassifierHead, type DenseFold, type NamedVariable } from '@lt/core';
import { initialRaw } from './monotoneScaling.js';
import { ascendingClassOrder } from './order.js';
import {
  effectiveParameters,
  resolveSamnOptions,
  type ResolvedSamnOptions,
  type SamnLogitsOptions,
  type ScaleMode,
} from './samnLogits.js';

/** How raw_w and raw_b start: `freq` (F3, reference default) or all zeros. */
export type SamnInit = 'freq' | 'zeros';

/** Options of a `SamnHead`. */
export interface SamnHeadOptions extends SamnLogitsOptions {
  readonly scaleMode?: ScaleMode;
  readonly init?: SamnInit;
  /** Recorded in `config`: whether the class metric came from the class counts or the user's `order` option. */
  readonly orderSource?: 'classCounts' | 'order';
}

/** What a SAMN head is built from: any classifier head (its directions, biases and name carry over). */
export interface SamnHeadSource {
  readonly name: string;
  readonly weight: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The rebuild recipe of a SAMN head, saved in checkpoints as the head's config. */
export interface SamnHeadConfig {
  readonly kind: 'samn';
  readonly numClasses: number;
  readonly featureDim: number;
  readonly scaleMode: ScaleMode;
  readonly init: SamnInit;
  readonly strict: boolean;
  readonly biasBranch: boolean;
  readonly maxScaling: number;
  readonly orderSource: 'classCounts' | 'order';
  /** The per-class metric that fixes the monotone order (class counts unless `order` was given). */
  readonly order: number[];
  /** The config of the head SAMN was built from. */
  readonly base: Readonly<Record<string, unknown>> | null;
}

// tf variable names are global to the process; the checkpoint-level names are the NamedVariable names.
let instances = 0;

/**
 * The SAMN classifier head (ALGORITHMS.md F4, PAVALinear): directions and biases copied from an existing head,
 * per-class magnitudes exp(s^w) and bias offsets exp(s^b) kept monotone in the class metric by PAVA.
 * Parameters are named `${name}.weight`, `.bias`, `.raw_weight`, `.raw_bias`, so checkpoints line up with the
 * head it replaces.
 */
export class SamnHead implements ClassifierHead {
  readonly name: string;
  readonly numClasses: number;
  readonly featureDim: number;
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly rawWeight: tf.Variable<tf.Rank.R1>;
  /** Undefined without the bias branch. */
  readonly rawBias: tf.Variable<tf.Rank.R1> | undefined;
  readonly config: Readonly<SamnHeadConfig> & Readonly<Record<string, unknown>>;
  private readonly order: Int32Array;
  private readonly options: ResolvedSamnOptions;

  constructor(source: SamnHeadSource, classMetric: ArrayLike<number>, options: SamnHeadOptions = {}) {
    const [numClasses, featureDim] = source.weight.shape;
    if (classMetric.length !== numClasses) {
      throw new LtError(
        'SAMN_INPUT',
        `head '${source.name}' has ${numClasses} classes but the class metric has ${classMetric.length} values: give one per class`,
      );
    }
    if (source.bias.rank !== 1 || source.bias.shape[0] !== numClasses) {
      throw new LtError('SAMN_INPUT', `head '${source.name}' has bias shape [${source.bias.shape}], expected [${numClasses}]`);
    }
    this.order = ascendingClassOrder(classMetric, 'class metric');
    this.options = resolveSamnOptions(options.scaleMode ?? 'exp', options);
    const init = options.init ?? 'freq';
    if (init !== 'freq' && init !== 'zeros') throw new LtError('SAMN_INPUT', `init is '${String(init)}': use 'freq' or 'zeros'`);
    this.name = source.name;
    this.numClasses = numClasses;
    this.featureDim = featureDim;
    const id = ++instances;
    const start = (): tf.Tensor1D =>
      init === 'freq' ? tf.tensor1d(Float32Array.from(initialRaw(classMetric))) : tf.zeros([numClasses]);
    const variable = <R extends tf.Rank>(value: tf.Tensor<R>, suffix: string): tf.Variable<R> =>
      tf.tidy(() => tf.variable(tf.clone(value), true, `${source.name}.${suffix}/samn_${id}`, 'float32'));
    this.weight = variable(source.weight, 'weight');
    this.bias = variable(source.bias, 'bias');
    this.rawWeight = tf.tidy(() => variable(start(), 'raw_weight'));
    this.rawBias = this.options.biasBranch ? tf.tidy(() => variable(start(), 'raw_bias')) : undefined;
    this.config = {
      kind: 'samn',
      numClasses,
      featureDim,
      scaleMode: this.options.scaleMode,
      init,
      strict: this.options.strict,
      biasBranch: this.options.biasBranch,
      maxScaling: this.options.maxScaling,
      orderSource: options.orderSource ?? 'classCounts',
      order: Array.from(classMetric),
      base: source.config ?? null,
    };
  }

  /** Logits [B, C] = features·W̃ᵀ + b̃ (F4). */
  apply(features: tf.Tensor2D): tf.Tensor2D {
    if (features.rank !== 2 || features.shape[1] !== this.featureDim) {
      throw new LtError('SAMN_INPUT', `head '${this.name}' takes features [B, ${this.featureDim}], got [${features.shape}]`);
    }
    return tf.tidy(() => {
      const { weight, bias } = effectiveParameters(this.tensors(), this.order, this.options);
      return tf.add(tf.matMul(features, weight, false, true), bias) as tf.Tensor2D;
    });
  }

  /** W̃ and b̃ as `apply` computes them (scale mode, bias branch and maxScaling clamp included). */
  foldToDense(): DenseFold {
    return effectiveParameters(this.tensors(), this.order, this.options);
  }

  /** The L2 norm of each effective class vector W̃_k (exp(s^w_k) in exp mode), in class order. */
  weightNorms(): number[] {
    const norms = tf.tidy(() => tf.norm(effectiveParameters(this.tensors(), this.order, this.options).weight, 'euclidean', 1));
    const values = Array.from(norms.dataSync());
    norms.dispose();
    return values;
  }

  /** The per-class bias offsets exp(s^b) (or max(s^b, 1e-6)) added to the biases; zeros without the bias branch. */
  biasOffsets(): number[] {
    const offsets = tf.tidy(() => {
      const { bias } = effectiveParameters(this.tensors(), this.order, this.options);
      return tf.sub(bias, this.bias);
    });
    const values = Array.from(offsets.dataSync());
    offsets.dispose();
    return values;
  }

  parameters(): NamedVariable[] {
    const list: NamedVariable[] = [
      { name: `${this.name}.weight`, variable: this.weight },
      { name: `${this.name}.bias`, variable: this.bias },
      { name: `${this.name}.raw_weight`, variable: this.rawWeight },
    ];
    if (this.rawBias !== undefined) list.push({ name: `${this.name}.raw_bias`, variable: this.rawBias });
    return list;
  }

  /** None: the class order is derived from the class metric, which the config records. */
  buffers(): NamedVariable[] {
    return [];
  }

  /** Frees the head's variables. */
  dispose(): void {
    tf.dispose(this.parameters().map((p) => p.variable));
  }

  private tensors() {
    return { weight: this.weight, bias: this.bias, rawWeight: this.rawWeight, rawBias: this.rawBias };
  }
}
