import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '@lt/core';
import { blockAverage, checkFinite, checkWeights, fitBlocks } from './pava.js';

type IsotonicOp = (x: tf.Tensor1D) => tf.Tensor1D;

/**
 * Isotonic fit of `x` along `order` (x[order[0]] ≤ x[order[1]] ≤ …), returned in x's own index order, as one
 * differentiable op. The vector is small (one value per class), so both passes read it into JS and fit there:
 * no gather/scatter kernels, hence no `UnsortedSegmentSum`, which the wasm backend lacks (PLATFORM.md).
 * `onFit` receives the fitted values (float64, x's index order) each forward pass.
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
  const at = (j: number): number => (order === undefined ? j : order[j]);
  const op = tf.customGrad(((input: tf.Tensor1D) => {
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
  return x.dtype === 'float32' ? op(x) : tf.tidy(() => op(tf.cast(x, 'float32')));
}

/**
 * PAVA as a TensorFlow.js op (ALGORITHMS.md F2): returns the non-decreasing isotonic fit of `x`; its gradient
 * averages the upstream gradient within each pooled block (weighted: g_j·w_j/W_B summed over the block). Runs on
 * every backend (cpu, wasm, tensorflow). `weights` are constants (one per element, finite, > 0).
 */
export function pavaTensor(x: tf.Tensor1D, weights?: ArrayLike<number>): tf.Tensor1D {
  return isotonicAlong(x, undefined, weights === undefined ? undefined : Float64Array.from(weights), 'pavaTensor input');
}
