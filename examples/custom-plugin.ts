// A user-written plugin: focal loss (Lin et al. 2017) on the `loss` hook, with validated options and DI.
// Run: pnpm build && pnpm exec tsx examples/custom-plugin.ts
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  createRun,
  defineOptions,
  definePlugin,
  inject,
  injectable,
  Tokens,
  type Logger,
  type LtPlugin,
  type PluginSpec,
  type RunReport,
  type StageHooks,
} from '@lt/core';
import { mnistLT } from '@lt/data';
import { cnn } from '@lt/models';

const FocalOptions = defineOptions('focal-loss', z.strictObject({ gamma: z.number().nonnegative().default(2) }));
type FocalOptionsT = z.output<typeof FocalOptions.schema>;

/** Focal loss: −(1 − p_y)^γ · log p_y, averaged over the batch; γ = 0 is cross-entropy. */
export function focalLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, gamma: number): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1])), 1);
    return tf.neg(tf.mean(tf.mul(tf.pow(tf.sub(1, tf.exp(logp)), gamma), logp))) as tf.Scalar;
  });
}

@injectable()
export class FocalLossPlugin implements LtPlugin {
  static readonly meta = { name: 'focal-loss', version: '1.0.0' };

  constructor(
    @inject(FocalOptions) private readonly options: FocalOptionsT,
    @inject(Tokens.Logger) private readonly logger: Logger,
  ) {}

  apply(hooks: StageHooks): void {
    this.logger.info(`focal loss with gamma ${this.options.gamma}`);
    hooks.loss.tap({ name: 'focal-loss', replaces: true }, () => (step) =>
      focalLoss(step.logits(step.batch.x), step.batch.labels, this.options.gamma),
    );
  }
}

/** The plugin spec users put in a stage's plugin list. */
export const focal = (options?: Partial<FocalOptionsT>): PluginSpec => definePlugin(FocalLossPlugin, FocalOptions, options);

/** Trains stage 1 with focal loss and returns the report; `small` shrinks it to a smoke test. */
export async function main({ small = false } = {}): Promise<RunReport> {
  const run = createRun({
    dataset: mnistLT(small ? { imbalance: 10, maxCount: 200 } : { imbalance: 100 }),
    model: cnn(),
    stages: [{ name: 'representation', epochs: small ? 2 : 4, batchSize: 128, lr: 0.05, plugins: [focal({ gamma: 2 })] }],
  });
  const report = await run.start();
  const { top1, manyMediumFew } = report.stages[0].final;
  console.log(`focal loss: top-1 ${top1.toFixed(3)}, few ${manyMediumFew.few === null ? '–' : manyMediumFew.few.toFixed(3)}`);
  run.dispose();
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
