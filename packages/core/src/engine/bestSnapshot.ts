import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable } from '../types/model.js';
import { assignWeights, readCheckpoint } from '../checkpoint/checkpoint.js';

/**
 * Copies of a model's variables at a stage's best-on-test epoch, for a next stage with `initFrom: 'best-on-test'`
 * (the SAMN reference loads stage 1's best-test-accuracy checkpoint for stage 2, ALGORITHMS.md F6).
 */
export class BestSnapshot {
  private saved: NamedVariable[] = [];

  constructor(public epoch = -1) {}

  /** Replaces the snapshot with the current values of `variables`, taken at `epoch`. */
  take(variables: readonly NamedVariable[], epoch: number): void {
    this.dispose();
    this.saved = variables.map(({ name, variable }) => ({ name, variable: tf.tidy(() => tf.variable(tf.clone(variable), false)) }));
    this.epoch = epoch;
  }

  /** The copies, named like the model's variables (what a checkpoint of the snapshot saves). */
  variables(): NamedVariable[] {
    return this.saved;
  }

  /** Writes the snapshot into `variables` by name and frees it. */
  restore(variables: readonly NamedVariable[], source: string): void {
    assignWeights(variables, Object.fromEntries(this.saved.map(({ name, variable }) => [name, variable])), source);
    this.dispose();
  }

  /** Frees the copies. */
  dispose(): void {
    tf.dispose(this.saved.map((v) => v.variable));
    this.saved = [];
  }

  /** Reads a snapshot saved as a checkpoint (by `saveCheckpoint` with `{ epoch }` metadata); undefined if absent. */
  static async read(dir: string): Promise<BestSnapshot | undefined> {
    try {
      const { json, weights } = await readCheckpoint<{ epoch: number }>(dir);
      const snapshot = new BestSnapshot(json.userDefinedMetadata.epoch);
      snapshot.saved = Object.entries(weights).map(([name, tensor]) => ({ name, variable: tf.variable(tensor, false) }));
      tf.dispose(Object.values(weights));
      return snapshot;
    } catch {
      return undefined;
    }
  }
}
