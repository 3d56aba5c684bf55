import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable } from '@lt/core';

let created = 0;

/**
 * Returns a NamedVariable holding `initial` under its stable, checkpoint-level `name`, and disposes `initial`
 * (the variable keeps its own reference to the data). tfjs variable names must be unique in the process, so
 * the tfjs-level name gets a counter suffix (two models can coexist).
 */
export function createVariable(name: string, initial: tf.Tensor, trainable: boolean): NamedVariable {
  created += 1;
  const variable = tf.variable(initial, trainable, `${name}_${created}`);
  initial.dispose();
  return { name, variable };
}

/** Anything that owns variables: the parameters it trains and the buffers it only saves. */
export interface VariableOwner {
  /** Trainable variables, with their checkpoint names. */
  parameters(): NamedVariable[];
  /** Non-trainable state saved with checkpoints (BatchNorm running statistics). */
  buffers(): NamedVariable[];
}

/** Concatenates the parameters of several owners, in order. */
export function collectParameters(owners: readonly VariableOwner[]): NamedVariable[] {
  return owners.flatMap((owner) => owner.parameters());
}

/** Concatenates the buffers of several owners, in order. */
export function collectBuffers(owners: readonly VariableOwner[]): NamedVariable[] {
  return owners.flatMap((owner) => owner.buffers());
}
