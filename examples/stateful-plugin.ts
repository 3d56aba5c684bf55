// A plugin with trained state that checkpoints save and `resume` restores: a learnable per-class logit offset
// (logits + b_k, b initialised to 0) trained on the frozen backbone in stage 2. Its variable is a parameter of the
// head the plugin returns from `classifierRescale`, so the engine trains it, saves it and loads it on resume.
// Run: pnpm build && pnpm exec tsx examples/stateful-plugin.ts
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { createRun, definePlugin, type ClassifierHead, type LtPlugin, type NamedVariable, type PluginSpec, type RunReport, type StageHooks } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { mlp } from '@lt/models';

let heads = 0;

/** Wraps a head: logits + offset, with `offset` ([C], learnable) saved under `<head>.offset`. */
export class OffsetHead implements ClassifierHead {
  readonly name: string;
  readonly numClasses: number;
  readonly featureDim: number;
  readonly offset: tf.Variable<tf.Rank.R1>;
  readonly config: Readonly<Record<string, unknown>>;

  constructor(readonly inner: ClassifierHead) {
    this.name = inner.name;
    this.numClasses = inner.numClasses;
    this.featureDim = inner.featureDim;
    // tf variable names are global to the process, hence the counter; the checkpoint name is the NamedVariable's.
    this.offset = tf.tidy(() => tf.variable(tf.zeros([inner.numClasses]), true, `${inner.name}.offset/offset_${++heads}`)) as tf.Variable<tf.Rank.R1>;
    this.config = { kind: 'offset', inner: inner.config };
  }

  get weight(): tf.Variable<tf.Rank.R2> {
    return this.inner.weight;
  }

  get bias(): tf.Variable<tf.Rank.R1> {
    return this.inner.bias;
  }

  apply(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(this.inner.apply(features), this.offset));
  }

  weightNorms(): number[] {
    return this.inner.weightNorms();
  }

  /** The engine trains, saves and restores exactly these (plus `buffers()`). */
  parameters(): NamedVariable[] {
    return [...this.inner.parameters(), { name: `${this.name}.offset`, variable: this.offset }];
  }

  buffers(): NamedVariable[] {
    return this.inner.buffers();
  }
}

/** Replaces the stage's head with an `OffsetHead` around it. */
export class LogitOffsetPlugin implements LtPlugin {
  static readonly meta = { name: 'logit-offset', version: '1.0.0' };

  apply(hooks: StageHooks): void {
    hooks.classifierRescale.tap({ name: 'logit-offset', replaces: true }, (head) => new OffsetHead(head));
  }
}

/** The spec a stage lists; it takes no options. */
export const logitOffset = (options?: Record<string, never>): PluginSpec => definePlugin(LogitOffsetPlugin, undefined, options);

/** Trains CE, then CE + logit offsets on the frozen backbone; returns the report and the learned offsets. */
export async function main(): Promise<{ report: RunReport; offsets: number[] }> {
  const run = createRun({
    dataset: syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60 }),
    model: mlp({ hidden: [16] }),
    seed: 0,
    stages: [
      { name: 'representation', epochs: 3, batchSize: 16, lr: 0.05 },
      { name: 'classifier', epochs: 2, batchSize: 16, lr: 0.05, weightDecay: 0, freeze: 'backbone', plugins: [logitOffset()] },
    ],
  });
  const report = await run.start();
  const offsets = Array.from((run.model.head as OffsetHead).offset.dataSync());
  console.log(`learned logit offsets: ${offsets.map((b) => b.toFixed(3)).join(', ')}; top-1 ${report.stages[1].final.top1.toFixed(3)}`);
  run.dispose();
  return { report, offsets };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
