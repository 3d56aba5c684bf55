// Plugins for the testkit's own tests: one that keeps the contract, and one built to break each check.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import {
  crossEntropyLoss,
  defineOptions,
  definePlugin,
  inject,
  injectable,
  LtError,
  type LtPlugin,
  type PluginSpec,
  type Sampler,
  type StageHooks,
} from '@lt/core';

const PenaltyOptions = defineOptions('head-penalty', z.strictObject({ weight: z.number().nonnegative().default(1e-3) }));
type PenaltyOptionsT = z.output<typeof PenaltyOptions.schema>;

/** Keeps the contract: wraps the loss it receives with an L2 penalty on the head's weights. */
@injectable()
export class HeadPenalty implements LtPlugin {
  static readonly meta = { name: 'head-penalty', version: '1.0.0' };
  constructor(@inject(PenaltyOptions) private readonly options: PenaltyOptionsT) {}
  apply(hooks: StageHooks): void {
    hooks.loss.tap('head-penalty', (loss) => (step) => tf.add(loss(step), tf.mul(this.options.weight, tf.sum(tf.square(step.head.weight)))));
  }
}
export const headPenalty = (options?: Partial<PenaltyOptionsT>): PluginSpec => definePlugin(HeadPenalty, PenaltyOptions, options);

/** Keeps one tensor per step out of the engine's tf.tidy. */
class LeakyLoss implements LtPlugin {
  static readonly meta = { name: 'leaky-loss', version: '1.0.0' };
  apply(hooks: StageHooks): void {
    hooks.loss.tap({ name: 'leaky-loss', replaces: true }, () => (step) => {
      tf.keep(tf.ones([1]));
      return crossEntropyLoss(step);
    });
  }
}
export const leakyLoss = (): PluginSpec => definePlugin(LeakyLoss);

/** Creates a tensor at every epoch end and never frees it. */
class EpochLeak implements LtPlugin {
  static readonly meta = { name: 'epoch-leak', version: '1.0.0' };
  apply(hooks: StageHooks): void {
    hooks.epochEnd.tapPromise('epoch-leak', async () => void tf.zeros([2]));
  }
}
export const epochLeak = (): PluginSpec => definePlugin(EpochLeak);

/** Holds a tensor for the whole stage and never frees it. */
class StageLeak implements LtPlugin {
  static readonly meta = { name: 'stage-leak', version: '1.0.0' };
  apply(hooks: StageHooks): void {
    const table = tf.tensor1d([1, 2, 3]);
    hooks.stageEnd.tapPromise('stage-leak', async () => void table.shape);
  }
}
export const stageLeak = (): PluginSpec => definePlugin(StageLeak);

/** Shuffles with Math.random instead of the run's seeded stream. */
class RandomSampler implements LtPlugin {
  static readonly meta = { name: 'random-sampler', version: '1.0.0' };
  apply(hooks: StageHooks): void {
    hooks.sampler.tap({ name: 'random-sampler', replaces: true }, (_incoming, context): Sampler => ({
      name: 'random',
      epoch: () => {
        const order = Array.from(context.dataset.trainLabels.keys()).sort(() => Math.random() - 0.5);
        const batches: Int32Array[] = [];
        for (let i = 0; i < order.length; i += context.stage.batchSize) batches.push(Int32Array.from(order.slice(i, i + context.stage.batchSize)));
        return batches;
      },
    }));
  }
}
export const randomSampler = (): PluginSpec => definePlugin(RandomSampler);

/** Warms the loss up over its first steps, counting them in a field no checkpoint holds. */
class ForgetfulWarmup implements LtPlugin {
  static readonly meta = { name: 'forgetful-warmup', version: '1.0.0' };
  private steps = 0;
  apply(hooks: StageHooks): void {
    hooks.loss.tap('forgetful-warmup', (loss) => (step) => tf.mul(loss(step), Math.min(1, (this.steps + 1) / 8)));
    hooks.afterStep.tapPromise('forgetful-warmup', async () => {
      this.steps++;
    });
  }
}
export const forgetfulWarmup = (): PluginSpec => definePlugin(ForgetfulWarmup);

const LooseOptions = defineOptions('loose-options', z.object({ gamma: z.number().default(2) }));
/** A non-strict schema: unknown options are dropped silently. */
class Loose implements LtPlugin {
  static readonly meta = { name: 'loose-options', version: '1.0.0' };
  apply(): void {}
}
export const looseOptions = (options?: { gamma?: number }): PluginSpec => definePlugin(Loose, LooseOptions, options);

/** Validates by hand, with an error that names neither the plugin nor the field. */
export const vagueOptions = (options: { gamma?: number } = {}): PluginSpec => {
  if (Object.keys(options).some((k) => k !== 'gamma') || (options.gamma ?? 0) < 0) throw new LtError('BAD', 'invalid options');
  return definePlugin(Loose);
};

/** Discards the loss it receives without declaring { replaces: true }. */
class SilentReplacer implements LtPlugin {
  static readonly meta = { name: 'silent-replacer', version: '1.0.0' };
  apply(hooks: StageHooks): void {
    hooks.loss.tap('silent-replacer', () => crossEntropyLoss);
  }
}
export const silentReplacer = (): PluginSpec => definePlugin(SilentReplacer);

/** A plain loss-replacing plugin, declared as such. */
class OwnLoss implements LtPlugin {
  static readonly meta = { name: 'own-loss', version: '1.0.0' };
  apply(hooks: StageHooks): void {
    hooks.loss.tap({ name: 'own-loss', replaces: true }, () => crossEntropyLoss);
  }
}
export const ownLoss = (options?: Record<string, never>): PluginSpec => definePlugin(OwnLoss, undefined, options);
