import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, type BatchNormParams, type ForwardMode, type NamedVariable } from '@lt/core';
import { createVariable, type VariableOwner } from '../variables.js';

/** Options of a BatchNorm layer. */
export interface BatchNormLayerOptions {
  /** Stable name prefix, e.g. `backbone.bn1`; variables are `.weight`, `.bias`, `.running_mean`, `.running_var`. */
  readonly name: string;
  readonly channels: number;
  /** PyTorch semantics (running ← (1 − m)·running + m·batch). Default 0.1. */
  readonly momentum?: number;
  /** Default 1e-5. */
  readonly epsilon?: number;
}

/**
 * BatchNorm over the channel axis with PyTorch's names and defaults (γ = 1, β = 0, running mean 0, running var 1):
 * γ (`weight`) and β (`bias`) are parameters, the running statistics are buffers.
 */
export class BatchNormLayer implements VariableOwner {
  readonly gamma: NamedVariable;
  readonly beta: NamedVariable;
  readonly runningMean: NamedVariable;
  readonly runningVar: NamedVariable;
  private readonly params: BatchNormParams;

  constructor(readonly options: BatchNormLayerOptions) {
    const { name, channels } = options;
    this.gamma = createVariable(`${name}.weight`, tf.ones([channels]), true);
    this.beta = createVariable(`${name}.bias`, tf.zeros([channels]), true);
    this.runningMean = createVariable(`${name}.running_mean`, tf.zeros([channels]), false);
    this.runningVar = createVariable(`${name}.running_var`, tf.ones([channels]), false);
    this.params = {
      gamma: this.gamma.variable,
      beta: this.beta.variable,
      runningMean: this.runningMean.variable,
      runningVar: this.runningVar.variable,
    };
  }

  /**
   * Normalised x, plus `residual` if given, then max(·, 0) with `relu` (all in one pass on wasm); in `train` /
   * `recalibrate` also moves the running statistics.
   */
  apply<T extends tf.Tensor2D | tf.Tensor4D>(x: T, mode: ForwardMode, relu = false, residual?: T): T {
    return batchNorm(x, this.params, { mode, momentum: this.options.momentum, epsilon: this.options.epsilon, relu, residual });
  }

  parameters(): NamedVariable[] {
    return [this.gamma, this.beta];
  }

  buffers(): NamedVariable[] {
    return [this.runningMean, this.runningVar];
  }
}
