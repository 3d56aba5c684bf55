import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '../errors.js';

/** relu(Σ terms) whose gradient keeps only the output: each term's gradient is dy where the output is positive. */
function reluOfSum<T extends tf.Tensor>(terms: T[]): T {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const y = tf.relu(inputs.length === 1 ? inputs[0] : tf.addN(inputs));
    save([y]);
    return {
      value: y,
      // y > 0 exactly where the sum is > 0, so the mask from the output is the mask from the input.
      // tidy: tfjs keeps every tensor a gradient function leaves behind until the whole backward pass ends.
      gradFunc: (dy: tf.Tensor, [output]: tf.Tensor[]) =>
        tf.tidy(() => {
          const masked = tf.mul(dy, tf.step(output));
          return inputs.map((_, i) => (i === 0 ? masked : masked.clone()));
        }),
    };
  });
  return op(...terms) as T;
}

/**
 * max(x, 0), whose gradient keeps the output instead of the input (tfjs's Relu keeps its input). The output is
 * usually kept anyway as the next layer's input, so a conv → BatchNorm → ReLU chain holds one tensor fewer until
 * backprop: the BatchNorm output is freed as soon as the layer is done.
 */
export function relu<T extends tf.Tensor>(x: T): T {
  return reluOfSum([x]);
}

/**
 * relu(a + b) for a residual block's output, keeping only the output for the gradient: tfjs's Add keeps both
 * inputs (to undo broadcasting), which held every block's BatchNorm output until backprop. No broadcasting.
 */
export function addRelu<T extends tf.Tensor>(a: T, b: T): T {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new LtError('addRelu/shape', `addRelu: the two terms must have one shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  return reluOfSum([a, b]);
}
