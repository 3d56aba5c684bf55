import * as tf from '@tensorflow/tfjs-core';
import { canReadSync, LtError } from '@lt/core';
import { blockAverage, checkFinite, checkWeights, fitBlocks } from './pava.js';

type IsotonicOp = (x: tf.Tensor1D) => tf.Tensor1D;

/**
 * The GPU kernels of the fit and its gradient, implemented for 'webgpu' in @lt/backend-webgpu
 * (src/kernels/isotonic.ts) and called by name, so this plugin does not depend on that package.
 */
export const IsotonicKernel = { fit: 'LtIsotonic', grad: 'LtIsotonicGrad' } as const;

// Whether the active backend fits on the device (lt's isotonic kernels are registered for it).
function fitsOnDevice(): boolean {
  return tf.getKernel(IsotonicKernel.fit, tf.getBackend()) !== undefined;
}

// The JS fit: both passes read the vector (one value per class, so small) and fit in float64. No gather or scatter
// kernels, hence no `UnsortedSegmentSum`, which the wasm backend lacks (PLATFORM.md).
function fitInJs(
  n: number,
  order: Int32Array | undefined,
  weights: Float64Array | undefined,
  what: string,
  onFit: ((fitted: Float64Array) => void) | undefined,
): IsotonicOp {
  const at = (j: number): number => (order === undefined ? j : order[j]);
  return tf.customGrad(((input: tf.Tensor1D) => {
    const data = input.dataSync();
    checkFinite(data, what);
    const sorted = new Float64Array(n);
    for (let j = 0; j < n; j++) sorted[j] = data[at(j)];
    const fit = fitBlocks(sorted, weights);
    const fitted = new Float64Array(n);
    for (let j = 0; j < n; j++) fitted[at(j)] = fit.values[j];
    onFit?.(fitted);
    const gradFunc = (dy: tf.Tensor1D): tf.Tensor1D => {
      const upstream = dy.dataSync();
      const sortedUpstream = new Float64Array(n);
      for (let j = 0; j < n; j++) sortedUpstream[j] = upstream[at(j)];
      const averaged = blockAverage(sortedUpstream, fit.blocks, weights);
      const dx = new Float32Array(n);
      for (let j = 0; j < n; j++) dx[at(j)] = averaged[j];
      return tf.tensor1d(dx, 'float32');
    };
    return { value: tf.tensor1d(Float32Array.from(fitted), 'float32'), gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as IsotonicOp;
}

// The device fit: one LtIsotonic dispatch forward, one LtIsotonicGrad backward, nothing read back. The forward's
// block bounds (and the order and weights uploaded for it) are saved for the backward.
function fitOnDevice(order: Int32Array | undefined, weights: Float64Array | undefined): IsotonicOp {
  return tf.customGrad(((input: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const constants: tf.NamedTensorMap = {};
    if (order !== undefined) constants.order = tf.tensor1d(Float32Array.from(order));
    if (weights !== undefined) constants.weights = tf.tensor1d(Float32Array.from(weights));
    const names = Object.keys(constants);
    const [fitted, blockStart, blockEnd] = tf.engine().runKernel(IsotonicKernel.fit, { x: input, ...constants }, {}) as tf.Tensor[];
    save([blockStart, blockEnd, ...names.map((name) => constants[name])]);
    const gradFunc = (dy: tf.Tensor1D, saved: tf.Tensor[]): tf.Tensor1D => {
      const [start, end, ...rest] = saved;
      const inputs = Object.fromEntries(names.map((name, i) => [name, rest[i]]));
      return tf.engine().runKernel(IsotonicKernel.grad, { dy, blockStart: start, blockEnd: end, ...inputs }, {}) as tf.Tensor1D;
    };
    return { value: fitted, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as IsotonicOp;
}

/**
 * Isotonic fit of `x` along `order` (x[order[0]] ≤ x[order[1]] ≤ …), returned in x's own index order, as one
 * differentiable op; `weights[j]` weighs sorted position j (x[order[j]]). Where lt's isotonic kernels are
 * registered (webgpu, see `fitsOnDevice`) it fits on the device in f32 and reads nothing back, so NaN/Infinity inputs are not rejected there (they propagate) and `onFit` is not
 * called; elsewhere it fits in JS in float64, rejects non-finite values and gives `onFit` the fitted values
 * (float64, x's index order) each forward pass.
 */
export function isotonicAlong(
  x: tf.Tensor1D,
  order: Int32Array | undefined,
  weights: Float64Array | undefined,
  what: string,
  onFit?: (fitted: Float64Array) => void,
): tf.Tensor1D {
  if (x.rank !== 1) throw new LtError('SAMN_INPUT', `${what} must be a 1-D tensor, got shape [${x.shape}]`);
  const n = x.shape[0];
  if (order !== undefined && order.length !== n) {
    throw new LtError('SAMN_INPUT', `${what} has ${n} values but the class order has ${order.length}: give one per class`);
  }
  if (weights !== undefined) checkWeights(weights, n);
  let op: IsotonicOp;
  if (fitsOnDevice()) {
    // The one check of checkFinite that needs no read.
    if (n === 0) checkFinite([], what);
    op = fitOnDevice(order, weights);
  } else if (canReadSync()) {
    op = fitInJs(n, order, weights, what, onFit);
  } else {
    throw new LtError(
      'SAMN_BACKEND',
      `${what}: the '${tf.getBackend()}' backend cannot read values back synchronously and has no '${IsotonicKernel.fit}' kernel: ` +
        `activate it with selectBackend('webgpu') from @lt/core, which registers lt's kernels`,
    );
  }
  return x.dtype === 'float32' ? op(x) : tf.tidy(() => op(tf.cast(x, 'float32')));
}

/**
 * PAVA as a TensorFlow.js op (ALGORITHMS.md F2): returns the non-decreasing isotonic fit of `x`; its gradient
 * averages the upstream gradient within each pooled block (weighted: g_j·w_j/W_B summed over the block). Runs on
 * every backend (cpu, wasm, tensorflow in JS; webgpu on the device, where NaN inputs are not rejected).
 * `weights` are constants (one per element, finite, > 0).
 */
export function pavaTensor(x: tf.Tensor1D, weights?: ArrayLike<number>): tf.Tensor1D {
  return isotonicAlong(x, undefined, weights === undefined ? undefined : Float64Array.from(weights), 'pavaTensor input');
}
