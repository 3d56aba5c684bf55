import * as tf from '@tensorflow/tfjs-core';
import { LtKernel, ltKernelActive } from './ltKernels.js';
import { LtError } from '../errors.js';
import { addRelu, relu as reluOp } from './relu.js';
import type { ForwardMode } from '../types/model.js';

/** The four variables of one BatchNorm layer, each of shape [C]. */
export interface BatchNormParams {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
}

/** Options of `batchNorm()`. */
export interface BatchNormOptions {
  /** `train` / `recalibrate`: batch statistics and a running-stat update; `eval`: running statistics. */
  readonly mode: ForwardMode;
  /** PyTorch semantics: running ← (1 − momentum)·running + momentum·batch. Default 0.1. */
  readonly momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  readonly epsilon?: number;
  /** Return max(BatchNorm(x), 0): on wasm in the same pass, with the ReLU's gradient folded into BatchNorm's. */
  readonly relu?: boolean;
  /** Added after normalising, before the ReLU (a residual block's shortcut); x's shape, no broadcasting. */
  readonly residual?: tf.Tensor;
}

function reductionAxes(rank: number): number[] {
  if (rank === 4) return [0, 1, 2];
  if (rank === 2) return [0];
  throw new LtError('batchNorm/rank', `batchNorm: expected x of rank 2 [N, C] or 4 [N, H, W, C], got rank ${rank}`);
}

/** Whether the active backend runs the train-mode forward and its backward as lt's kernels (nativeTrainBatchNorm). */
function fusedTrainKernels(): boolean {
  return ltKernelActive(LtKernel.batchNormTrain) && ltKernelActive(LtKernel.batchNormGrad);
}

/** running ← (1 − m)·running + m·batch, assigned in place (no tape, no gradient). */
function updateRunningStats(params: BatchNormParams, mean: tf.Tensor, variance: tf.Tensor, count: number, momentum: number): void {
  tf.tidy(() => {
    // PyTorch stores the unbiased batch variance in running_var (ALGORITHMS.md B1).
    const unbiased = tf.mul(variance, count / (count - 1));
    params.runningMean.assign(tf.add(tf.mul(params.runningMean, 1 - momentum), tf.mul(mean, momentum)));
    params.runningVar.assign(tf.add(tf.mul(params.runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
  });
}

/**
 * Batch normalisation over the last (channel) axis of an [N, C] or NHWC tensor; returns a tensor of x's shape.
 * In `train` / `recalibrate` it normalises with the batch statistics over N (and H, W), has a closed-form
 * gradient for x, gamma and beta (faster than autodiff through tf.batchNorm, PLATFORM.md), and updates the
 * running statistics as a side effect. In `eval` it uses the running statistics.
 */
export function batchNorm<T extends tf.Tensor2D | tf.Tensor4D>(x: T, params: BatchNormParams, options: BatchNormOptions): T {
  const { residual } = options;
  if (residual !== undefined && !tf.util.arraysEqual(residual.shape, x.shape)) {
    throw new LtError('batchNorm/residual', `batchNorm: residual has shape [${residual.shape.join(', ')}], expected x's [${x.shape.join(', ')}]`);
  }
  if ((options.relu === true || residual !== undefined) && !(options.mode !== 'eval' && fusedTrainKernels())) {
    const normalised = batchNorm(x, params, { ...options, relu: false, residual: undefined });
    if (residual === undefined) return reluOp(normalised);
    return (options.relu === true ? addRelu(normalised, residual as T) : tf.add(normalised, residual)) as T;
  }
  const momentum = options.momentum ?? 0.1;
  const epsilon = options.epsilon ?? 1e-5;
  const axes = reductionAxes(x.rank);
  const channels = x.shape[x.rank - 1];
  for (const key of ['gamma', 'beta', 'runningMean', 'runningVar'] as const) {
    const shape = params[key].shape;
    if (shape.length !== 1 || shape[0] !== channels) {
      throw new LtError('batchNorm/shape', `batchNorm: ${key} has shape [${shape.join(', ')}], expected [${channels}] to match x's channels`);
    }
  }

  if (options.mode === 'eval') {
    if (ltKernelActive(LtKernel.batchNormEval)) return nativeEvalBatchNorm(x, params, epsilon, axes);
    // y = x·scale + shift with scale = γ/√(running_var + ε), shift = β − running_mean·scale; plain ops, autodiff.
    const scale = tf.mul(params.gamma, tf.rsqrt(tf.add(params.runningVar, epsilon)));
    const shift = tf.sub(params.beta, tf.mul(params.runningMean, scale));
    return tf.add(tf.mul(x, scale), shift) as T;
  }

  const count = x.size / channels;
  if (count < 2) {
    throw new LtError(
      'batchNorm/batch-too-small',
      `batchNorm: ${options.mode} mode needs more than one value per channel, got ${count} (x shape [${x.shape.join(', ')}]); use a larger batch or mode 'eval'`,
    );
  }
  if (fusedTrainKernels()) return nativeTrainBatchNorm(x, params, momentum, epsilon, options.relu === true, residual);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, gamma, beta, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    // The forward runs outside the tape: statistics and the running-stat update are gradient-free.
    const { mean, variance } = tf.moments(input, axes);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const scale = tf.mul(gamma, rstd);
    const shift = tf.sub(beta, tf.mul(mean, scale));
    updateRunningStats(params, mean, variance, count, momentum);
    // x itself is alive until backprop anyway, so saving it (not x̂) costs no memory.
    save([input, mean, rstd, gamma]);
    return {
      value: tf.add(tf.mul(input, scale), shift),
      // tidy: tfjs keeps every tensor a gradient function leaves behind until the whole backward pass ends.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedInput, savedMean, savedRstd, savedGamma] = saved;
          // With x̂ = (x − μ)/σ and M values per channel:
          // dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ · (dy − dβ/M − x̂·dγ/M).
          const normalized = tf.mul(tf.sub(savedInput, savedMean), savedRstd);
          const dBeta = tf.sum(dy, axes);
          const dGamma = tf.sum(tf.mul(dy, normalized), axes);
          const gain = tf.mul(savedGamma, savedRstd);
          const perX = tf.mul(gain, tf.div(dGamma, -count));
          const offset = tf.mul(gain, tf.div(dBeta, -count));
          const dx = tf.add(tf.mul(dy, gain), tf.add(tf.mul(normalized, perX), offset));
          return [dx, dGamma, dBeta];
        }),
    };
  });
  return op(x, params.gamma, params.beta) as T;
}

/**
 * The same train-mode forward, running-stat update and closed-form backward as `batchNorm`, each as one pass of
 * lt's kernels (on wasm: @lt/backend-wasm's kernels.c) instead of ~20 elementwise and reduction kernels.
 */
function nativeTrainBatchNorm<T extends tf.Tensor2D | tf.Tensor4D>(
  x: T,
  params: BatchNormParams,
  momentum: number,
  epsilon: number,
  relu: boolean,
  residual: tf.Tensor | undefined,
): T {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, gamma, beta] = args as tf.Tensor[];
    const shortcut = residual === undefined ? undefined : (args[3] as tf.Tensor);
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [y, mean, rstd, runningMean, runningVar] = tf.engine().runKernel(
      LtKernel.batchNormTrain,
      { x: input, gamma, beta, runningMean: params.runningMean, runningVar: params.runningVar, ...(shortcut === undefined ? {} : { residual: shortcut }) },
      { epsilon, momentum, relu },
    ) as tf.Tensor[];
    params.runningMean.assign(runningMean);
    params.runningVar.assign(runningVar);
    tf.dispose([runningMean, runningVar]);
    // With the ReLU fused, its output is the gradient's mask (and is kept by the next layer anyway).
    save([input, mean, rstd, gamma, ...(relu ? [y] : [])]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedInput, savedMean, savedRstd, savedGamma, savedOutput] = saved;
        // The shortcut's gradient is dy where the ReLU let it through (all of dy without a ReLU). A kernel that
        // honours `withMaskedDy` (webgpu's) returns it as a 4th output from the same pass; wasm's returns three.
        const withMaskedDy = relu && residual !== undefined;
        const grads = tf.engine().runKernel(
          LtKernel.batchNormGrad,
          { dy, x: savedInput, mean: savedMean, rstd: savedRstd, gamma: savedGamma, ...(relu ? { y: savedOutput } : {}) },
          { withMaskedDy },
        ) as tf.Tensor[];
        if (residual === undefined || grads.length === 4) return grads;
        return [...grads, relu ? tf.tidy(() => tf.mul(dy, tf.step(savedOutput))) : dy.clone()];
      },
    };
  });
  return (residual === undefined ? op(x, params.gamma, params.beta) : op(x, params.gamma, params.beta, residual)) as T;
}

/** Eval-mode BatchNorm as one pass of lt's kernel, with the same gradient autodiff gives the tf-op path. */
function nativeEvalBatchNorm<T extends tf.Tensor2D | tf.Tensor4D>(x: T, params: BatchNormParams, epsilon: number, axes: number[]): T {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, gamma, beta, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    save([input, gamma]);
    return {
      value: tf.engine().runKernel(
        LtKernel.batchNormEval,
        { x: input, gamma, beta, runningMean: params.runningMean, runningVar: params.runningVar },
        { epsilon },
      ) as tf.Tensor,
      // y = x·γ·r + β − mean·γ·r with r = 1/√(running_var + ε): dx = dy·γ·r, dγ = Σ dy·(x − mean)·r, dβ = Σ dy.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedInput, savedGamma] = saved;
          const r = tf.rsqrt(tf.add(params.runningVar, epsilon));
          const dGamma = tf.sum(tf.mul(dy, tf.mul(tf.sub(savedInput, params.runningMean), r)), axes);
          return [tf.mul(dy, tf.mul(savedGamma, r)), dGamma, tf.sum(dy, axes)];
        }),
    };
  });
  return op(x, params.gamma, params.beta) as T;
}
