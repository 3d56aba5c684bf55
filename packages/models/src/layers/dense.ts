import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable, Rng } from '@lt/core';
import { createVariable, type VariableOwner } from '../variables.js';
import { kaimingNormal, linearBiasUniform } from '../init.js';

/** Options of a dense layer. */
export interface DenseLayerOptions {
  /** Stable name prefix: variables are `<name>.weight` ([out, in], PyTorch layout) and `<name>.bias`. */
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly rng: Rng;
}

/** A fully connected layer y = x·Wᵀ + b, W in PyTorch's [out, in] layout, initialised as ALGORITHMS.md B1. */
export class DenseLayer implements VariableOwner {
  readonly weight: NamedVariable;
  readonly bias: NamedVariable;

  constructor(options: DenseLayerOptions) {
    const { name, inFeatures, outFeatures, rng } = options;
    this.weight = createVariable(
      `${name}.weight`,
      tf.tidy(() => kaimingNormal([outFeatures, inFeatures], inFeatures, rng.fork(`${name}.weight`))),
      true,
    );
    this.bias = createVariable(
      `${name}.bias`,
      tf.tidy(() => linearBiasUniform([outFeatures], inFeatures, rng.fork(`${name}.bias`))),
      true,
    );
  }

  /** x·Wᵀ + b for x of shape [B, in]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weight.variable as tf.Variable<tf.Rank.R2>, false, true), this.bias.variable);
  }

  parameters(): NamedVariable[] {
    return [this.weight, this.bias];
  }

  buffers(): NamedVariable[] {
    return [];
  }
}
