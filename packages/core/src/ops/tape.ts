import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-core's engine state that tells whether ops are being recorded for a gradient. */
interface EngineState {
  readonly state: { readonly gradientDepth: number; readonly kernelDepth: number };
}

/**
 * Whether an op run now would be recorded on a gradient tape (inside `tf.grad`, `variableGrads`, …), as tfjs
 * decides it. Lets a layer take a faster gradient-free path (e.g. BatchNorm folded into the convolution) only
 * where nothing will differentiate it.
 */
export function gradientsRecording(): boolean {
  const { state } = tf.engine() as unknown as EngineState;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}
