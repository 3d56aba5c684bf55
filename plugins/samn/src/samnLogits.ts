import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '@lt/core';
import { ascendingClassOrder } from './order.js';
import { scalingAlong, type ScalingWithValues } from './monotoneScaling.js';

/** How the scaling s sets a class's magnitude: `exp` → e^s (the reference default), `mul` → max(s, 1e-6). */
export type ScaleMode = 'exp' | 'mul';

/** The four parameter tensors of a SAMN head (ALGORITHMS.md F4). */
export interface SamnParameters {
  /** Direction weights, one row per class: [C, D]. Only each row's direction is used. */
  readonly weight: tf.Tensor2D;
  /** Biases [C]. */
  readonly bias: tf.Tensor1D;
  /** Raw parameters of the weight-norm MonotonePerClassNorm [C]. */
  readonly rawWeight: tf.Tensor1D;
  /** Raw parameters of the bias-offset MonotonePerClassNorm [C]; unused (may be omitted) without the bias branch. */
  readonly rawBias?: tf.Tensor1D;
}

/** Which classes the overflow guard clamped in one forward pass. */
export interface ScalingClamp {
  readonly branch: 'weight' | 'bias';
  /** Class indices whose s exceeded `maxScaling`. */
  readonly classes: number[];
  /** Their unclamped s values. */
  readonly values: number[];
  readonly maxScaling: number;
}

/** Options of `samnLogits`. */
export interface SamnLogitsOptions {
  /** F3 `strict`: add 1e-4·rank after PAVA (default false). */
  readonly strict?: boolean;
  /** Add the monotone bias offset exp(s^b) (reference code, default true); false gives b̃ = b (the paper's description). */
  readonly biasBranch?: boolean;
  /**
   * Overflow guard (exp mode): s is clamped to at most this before exp (default 80; at most 88, since
   * e^88.72 overflows float32). Clamped classes get no gradient through s while clamped.
   */
  readonly maxScaling?: number;
  /**
   * Called when the guard clamps; by default a process warning is emitted once per branch and class. On webgpu it
   * is called asynchronously, once s of that forward pass has been read back.
   */
  readonly onClamp?: (clamp: ScalingClamp) => void;
}

/** The default cap on s in exp mode: e^80 ≈ 5.5e34 leaves float32 headroom (max ≈ 3.4e38) for the matmul. */
export const defaultMaxScaling = 80;
/** exp(s) is finite in float32 only for s < 88.72. */
const largestSafeScaling = 88;
/** The floor of F4's mul mode. */
const mulFloor = 1e-6;
/** ‖W_k‖ is floored at 1e-12 (F4); flooring ‖W_k‖² at 1e-24 gives the same value and a zero gradient below it. */
const squaredNormFloor = 1e-24;

const warned = new Set<string>();
function warnOnce(clamp: ScalingClamp): void {
  clamp.classes.forEach((k, i) => {
    const key = `${clamp.branch}:${k}`;
    if (warned.has(key)) return;
    warned.add(key);
    process.emitWarning(
      `@lt/samn: class ${k}'s ${clamp.branch} scaling s = ${clamp.values[i].toPrecision(6)} exceeds ${clamp.maxScaling}; ` +
        `clamped so exp(s) stays finite in float32 (ALGORITHMS.md F4 hazard). Lower the learning rate, use init 'freq', or scaleMode 'mul'.`,
      { code: 'LT_SAMN_SCALING_CLAMPED' },
    );
  });
}

/** Resolved options shared by `samnLogits` and `SamnHead`. */
export interface ResolvedSamnOptions {
  readonly scaleMode: ScaleMode;
  readonly strict: boolean;
  readonly biasBranch: boolean;
  readonly maxScaling: number;
  readonly onClamp: (clamp: ScalingClamp) => void;
}

/** Fills defaults and checks `scaleMode` and `maxScaling`. */
export function resolveSamnOptions(scaleMode: ScaleMode, options: SamnLogitsOptions): ResolvedSamnOptions {
  if (scaleMode !== 'exp' && scaleMode !== 'mul') {
    throw new LtError('SAMN_INPUT', `scaleMode is '${String(scaleMode)}': use 'exp' (reference default) or 'mul'`);
  }
  const maxScaling = options.maxScaling ?? defaultMaxScaling;
  if (!(maxScaling > 0 && maxScaling <= largestSafeScaling)) {
    throw new LtError('SAMN_INPUT', `maxScaling is ${maxScaling}: it must be in (0, ${largestSafeScaling}] so exp(s) stays finite in float32`);
  }
  return {
    scaleMode,
    strict: options.strict ?? false,
    biasBranch: options.biasBranch ?? true,
    maxScaling,
    onClamp: options.onClamp ?? warnOnce,
  };
}

/** The classes whose s exceeds the cap, with their s. */
function overCap(values: ArrayLike<number>, maxScaling: number): { classes: number[]; values: number[] } {
  const over = { classes: [] as number[], values: [] as number[] };
  for (let k = 0; k < values.length; k++) {
    if (values[k] > maxScaling) {
      over.classes.push(k);
      over.values.push(values[k]);
    }
  }
  return over;
}

// Where the fit ran on the device, s is not known in JS: clamp unconditionally (the same values and gradients as
// clamping only when needed) and report the clamped classes when a copy of s has been read back, after the step.
function reportLater(scaling: tf.Tensor1D, branch: ScalingClamp['branch'], options: ResolvedSamnOptions): void {
  const copy = tf.keep(tf.clone(scaling));
  void copy.data().then((values) => {
    copy.dispose();
    const over = overCap(values, options.maxScaling);
    if (over.classes.length > 0) options.onClamp({ branch, ...over, maxScaling: options.maxScaling });
  });
}

/**
 * Turns a scaling into a magnitude per class: exp(min(s, cap)) or max(s, 1e-6) (F4). Without float64 values (a
 * device fit), `onClamp` is called asynchronously with float32 s.
 */
function magnitude(s: ScalingWithValues, branch: ScalingClamp['branch'], options: ResolvedSamnOptions): tf.Tensor1D {
  if (options.scaleMode === 'mul') return tf.maximum(s.scaling, mulFloor) as tf.Tensor1D;
  if (s.values === undefined) {
    reportLater(s.scaling, branch, options);
    return tf.exp(tf.minimum(s.scaling, options.maxScaling)) as tf.Tensor1D;
  }
  const over = overCap(s.values, options.maxScaling);
  if (over.classes.length === 0) return tf.exp(s.scaling) as tf.Tensor1D;
  options.onClamp({ branch, ...over, maxScaling: options.maxScaling });
  return tf.exp(tf.minimum(s.scaling, options.maxScaling)) as tf.Tensor1D;
}

/**
 * The effective weight W̃ [C, D] and bias b̃ [C] of a SAMN head (ALGORITHMS.md F4):
 * dir_k = W_k / max(‖W_k‖, 1e-12); W̃_k = dir_k·m(s^w_k); b̃_k = b_k + m(s^b_k) (or b_k without the bias branch).
 */
export function effectiveParameters(
  params: SamnParameters,
  order: Int32Array,
  options: ResolvedSamnOptions,
): { weight: tf.Tensor2D; bias: tf.Tensor1D } {
  const { weight, bias, rawWeight, rawBias } = params;
  const numClasses = order.length;
  if (weight.rank !== 2 || weight.shape[0] !== numClasses) {
    throw new LtError('SAMN_INPUT', `weight has shape [${weight.shape}] but there are ${numClasses} classes: it must be [C, D], one row per class`);
  }
  if (bias.rank !== 1 || bias.shape[0] !== numClasses) {
    throw new LtError('SAMN_INPUT', `bias has shape [${bias.shape}] but there are ${numClasses} classes`);
  }
  if (options.biasBranch && rawBias === undefined) {
    throw new LtError('SAMN_INPUT', 'rawBias is missing: the bias branch needs it (or pass biasBranch: false)');
  }
  return tf.tidy(() => {
    const squaredNorms = tf.sum(tf.square(weight), 1, true);
    const direction = tf.div(weight, tf.sqrt(tf.maximum(squaredNorms, squaredNormFloor)));
    const weightScale = magnitude(scalingAlong(rawWeight, order, options.strict, 'rawWeight'), 'weight', options);
    const effectiveWeight = tf.mul(direction, tf.reshape(weightScale, [numClasses, 1])) as tf.Tensor2D;
    const effectiveBias =
      options.biasBranch && rawBias !== undefined
        ? tf.add(bias, magnitude(scalingAlong(rawBias, order, options.strict, 'rawBias'), 'bias', options))
        : tf.clone(bias);
    return { weight: effectiveWeight, bias: effectiveBias as tf.Tensor1D };
  });
}

/**
 * Logits [B, C] of the monotone-norm head (ALGORITHMS.md F4): x·W̃ᵀ + b̃, with `weight` [C, D] one row per
 * class and class order given by `classCounts` (any per-class metric; rarer = smaller). Differentiable in x and
 * every parameter. In exp mode s is capped at `maxScaling` (default 80) so exp(s) cannot overflow.
 */
export function samnLogits(
  x: tf.Tensor2D,
  params: SamnParameters,
  classCounts: ArrayLike<number>,
  scaleMode: ScaleMode = 'exp',
  options: SamnLogitsOptions = {},
): tf.Tensor2D {
  const resolved = resolveSamnOptions(scaleMode, options);
  const order = ascendingClassOrder(classCounts);
  if (x.rank !== 2 || params.weight.rank !== 2 || x.shape[1] !== params.weight.shape[1]) {
    throw new LtError('SAMN_INPUT', `x has shape [${x.shape}] but weight has shape [${params.weight.shape}]: x must be [B, D] with weight [C, D]`);
  }
  return tf.tidy(() => {
    const { weight, bias } = effectiveParameters(params, order, resolved);
    return tf.add(tf.matMul(x, weight, false, true), bias) as tf.Tensor2D;
  });
}
