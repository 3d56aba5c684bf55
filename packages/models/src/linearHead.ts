import * as tf from '@tensorflow/tfjs-core';
import type { ClassifierHead, NamedVariable, Rng } from '@lt/core';
import { createRng, LtError } from '@lt/core';
import { createVariable } from './variables.js';
import { kaimingNormal, linearBiasUniform } from './init.js';

/** Options of a linear classifier head. */
export interface LinearHeadOptions {
  /** Module name and variable prefix: `<name>.weight`, `<name>.bias`. */
  readonly name: string;
  readonly featureDim: number;
  readonly numClasses: number;
  /** Seeds the initial weights (Kaiming-normal, std √(2/D)) and bias (U(±1/√D)), ALGORITHMS.md B1. */
  readonly rng: Rng;
}

/** The configuration a LinearHead saves in checkpoints. */
export interface LinearHeadConfig {
  readonly kind: 'linear';
  readonly featureDim: number;
  readonly numClasses: number;
}

/** A plain linear classifier: logits = x·Wᵀ + b with W of shape [C, D] (one row per class, PyTorch layout). */
export class LinearHead implements ClassifierHead {
  readonly name: string;
  readonly featureDim: number;
  readonly numClasses: number;
  readonly weight: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
  readonly config: Readonly<LinearHeadConfig>;
  private readonly named: { weight: NamedVariable; bias: NamedVariable };

  constructor(options: LinearHeadOptions) {
    const { name, featureDim, numClasses, rng } = options;
    for (const [field, value] of [
      ['featureDim', featureDim],
      ['numClasses', numClasses],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new LtError('models/linear-head', `linearHead '${name}': ${field} must be a positive integer, got ${value}`);
      }
    }
    this.name = name;
    this.featureDim = featureDim;
    this.numClasses = numClasses;
    const weight = createVariable(
      `${name}.weight`,
      tf.tidy(() => kaimingNormal([numClasses, featureDim], featureDim, rng.fork(`${name}.weight`))),
      true,
    );
    const bias = createVariable(
      `${name}.bias`,
      tf.tidy(() => linearBiasUniform([numClasses], featureDim, rng.fork(`${name}.bias`))),
      true,
    );
    this.named = { weight, bias };
    this.weight = weight.variable as tf.Variable<tf.Rank.R2>;
    this.bias = bias.variable as tf.Variable<tf.Rank.R1>;
    this.config = Object.freeze({ kind: 'linear', featureDim, numClasses });
  }

  /** Logits [B, C] = features·Wᵀ + b. */
  apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(features, this.weight, false, true), this.bias));
  }

  /** The L2 norm of each class's weight row, in class order. */
  weightNorms(): number[] {
    const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(this.weight), 1)));
    const values = Array.from(norms.dataSync());
    norms.dispose();
    return values;
  }

  parameters(): NamedVariable[] {
    return [this.named.weight, this.named.bias];
  }

  buffers(): NamedVariable[] {
    return [];
  }

  /** Frees the head's variables. */
  dispose(): void {
    tf.dispose([this.weight, this.bias]);
  }
}

/** Returns a LinearHead (ClassifierHead) with `config` { kind: 'linear', featureDim, numClasses }. */
export function linearHead(options: LinearHeadOptions): LinearHead {
  return new LinearHead(options);
}

/** Returns a LinearHead holding the given weight rows (`weight[k]` = class k, length D) and biases. */
export function linearHeadFrom(options: { name: string; weight: ReadonlyArray<ArrayLike<number>>; bias: ArrayLike<number> }): LinearHead {
  const { name, weight, bias } = options;
  if (bias.length !== weight.length) {
    throw new LtError('models/linear-head', `linearHeadFrom '${name}': ${weight.length} weight rows but ${bias.length} biases`);
  }
  const head = new LinearHead({ name, featureDim: weight[0]?.length ?? 0, numClasses: weight.length, rng: createRng(0) });
  tf.tidy(() => {
    head.weight.assign(tf.tensor2d(weight.map((row) => Array.from(row))));
    head.bias.assign(tf.tensor1d(Array.from(bias)));
  });
  return head;
}
