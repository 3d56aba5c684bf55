import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '@lt/core';
import { ascendingClassOrder, checkClassMetric } from './order.js';
import { isotonicAlong } from './pavaTensor.js';

/** Options of `monotoneScaling`. */
export interface MonotoneScalingOptions {
  /** Add 1e-4·rank after PAVA so the temperatures are strictly increasing (ALGORITHMS.md F3; default false). */
  readonly strict?: boolean;
}

/** The step `strict` adds per rank (F3). */
const strictStep = 1e-4;
/** Both epsilons of F3: τ = softplus(p) + 1e-6, s = 1 / (τ + 1e-6). */
const tauEpsilon = 1e-6;
const scalingEpsilon = 1e-6;

/**
 * The "freq" initialisation of a MonotonePerClassNorm (ALGORITHMS.md F3): returns
 * raw_k = (n_k − n_min)/(n_max − n_min) + 1e-6, or 1e-6 for every class when all counts are equal.
 */
export function initialRaw(classCounts: ArrayLike<number>): Float64Array {
  checkClassMetric(classCounts, 'classCounts');
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < classCounts.length; k++) {
    min = Math.min(min, classCounts[k]);
    max = Math.max(max, classCounts[k]);
  }
  const raw = new Float64Array(classCounts.length);
  for (let k = 0; k < raw.length; k++) raw[k] = (max === min ? 0 : (classCounts[k] - min) / (max - min)) + 1e-6;
  return raw;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * A scaling tensor and the same values computed in float64 in JS (used by the overflow guard); `values` is undefined
 * where the fit runs on the device (webgpu), which reads nothing back.
 */
export interface ScalingWithValues {
  readonly scaling: tf.Tensor1D;
  readonly values: Float64Array | undefined;
}

/** `monotoneScaling` along a precomputed class order; also returns s in float64 where the fit runs in JS. */
export function scalingAlong(raw: tf.Tensor1D, order: Int32Array, strict: boolean, what: string): ScalingWithValues {
  if (raw.rank !== 1 || raw.shape[0] !== order.length) {
    throw new LtError('SAMN_INPUT', `${what} has shape [${raw.shape}] but there are ${order.length} classes: give one raw value per class`);
  }
  const n = order.length;
  const offsets = new Float64Array(n);
  if (strict) for (let j = 0; j < n; j++) offsets[order[j]] = strictStep * j;
  let fitted: Float64Array | undefined;
  const scaling = tf.tidy(() => {
    let projected: tf.Tensor1D = isotonicAlong(raw, order, undefined, what, (values) => {
      fitted = values;
    });
    if (strict) projected = tf.add(projected, tf.tensor1d(Float32Array.from(offsets))) as tf.Tensor1D;
    const tau = tf.add(tf.softplus(projected), tauEpsilon);
    return tf.reciprocal(tf.add(tau, scalingEpsilon)) as tf.Tensor1D;
  });
  const values = fitted === undefined ? undefined : scalingValues(fitted, offsets);
  return { scaling, values };
}

function scalingValues(fitted: Float64Array, offsets: Float64Array): Float64Array {
  const values = new Float64Array(fitted.length);
  for (let k = 0; k < fitted.length; k++) values[k] = 1 / (softplus(fitted[k] + offsets[k]) + tauEpsilon + scalingEpsilon);
  return values;
}

/**
 * Per-class scaling s of a MonotonePerClassNorm (ALGORITHMS.md F3), differentiable in `raw`: PAVA projects
 * raw (classes sorted by ascending count, ties by class index) onto non-decreasing temperatures
 * τ = softplus(·) + 1e-6, and s = 1/(τ + 1e-6) — so s is non-increasing in class count (tail ≥ head, F5).
 */
export function monotoneScaling(
  raw: tf.Tensor1D,
  classCounts: ArrayLike<number>,
  options: MonotoneScalingOptions = {},
): tf.Tensor1D {
  return scalingAlong(raw, ascendingClassOrder(classCounts), options.strict ?? false, 'raw').scaling;
}
