import {
  definePlugin,
  inject,
  injectable,
  Tokens,
  type ClassifierHead,
  type LossFn,
  type LrSchedule,
  type LtPlugin,
  type PluginSpec,
  type StageContext,
  type StageHooks,
} from '@lt/core';
import { balancedSoftmaxLoss, logitAdjustedLoss, logPriorAdjustment } from './logitAdjust.js';
import { classBalancedWeights, ldamLoss } from './ldam.js';
import { CosineHead, ShiftedHead } from './heads.js';
import {
  LdamDrwOptions,
  LogitAdjustOptions,
  PosthocAdjustOptions,
  type LdamDrwOptionsT,
  type LogitAdjustOptionsT,
} from './options.js';
import { version } from './version.js';

/** Logit-adjusted loss (Menon et al.): replaces the stage's loss. */
@injectable()
export class LogitAdjustedPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/logit-adjust/la', version };

  constructor(@inject(LogitAdjustOptions) private readonly options: LogitAdjustOptionsT) {}

  apply(hooks: StageHooks): void {
    hooks.loss.tap({ name: LogitAdjustedPlugin.meta.name, replaces: true }, (_loss, context) => (step) =>
      logitAdjustedLoss(step.logits(step.batch.x), step.batch.labels, context.classCounts, this.options.tau),
    );
  }
}

/**
 * Post-hoc logit adjustment: evaluation uses logits − log(π^τ + 1e-12) (a head wrapper, tapped last so it wraps
 * whatever head the stage ends up with), while the stage's loss still sees the unadjusted logits.
 */
@injectable()
export class PosthocAdjustPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/logit-adjust/posthoc', version };

  constructor(@inject(PosthocAdjustOptions) private readonly options: LogitAdjustOptionsT) {}

  apply(hooks: StageHooks): void {
    const name = PosthocAdjustPlugin.meta.name;
    let unadjusted: ClassifierHead | undefined;
    hooks.classifierRescale.tap({ name, stage: 1000 }, (head, context) => {
      unadjusted = head;
      return new ShiftedHead(head, logPriorAdjustment(context.classCounts, this.options.tau).map((v) => -v));
    });
    hooks.loss.tap({ name, stage: 1000 }, (loss) => (step) => {
      const head = unadjusted ?? step.head;
      return loss({ ...step, head, logits: (x) => head.apply(step.features(x)) });
    });
  }
}

/** Balanced Softmax (Ren et al.): replaces the stage's loss. */
@injectable()
export class BalancedSoftmaxPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/logit-adjust/balanced-softmax', version };

  apply(hooks: StageHooks): void {
    hooks.loss.tap({ name: BalancedSoftmaxPlugin.meta.name, replaces: true }, (_loss, context) => (step) =>
      balancedSoftmaxLoss(step.logits(step.batch.x), step.batch.labels, context.classCounts),
    );
  }
}

/** The deferral epoch of a stage: the option, else ⌊fraction · epochs⌋. */
export function deferralEpoch(options: Pick<LdamDrwOptionsT, 'deferEpoch' | 'deferFraction'>, epochs: number): number {
  return options.deferEpoch ?? Math.floor(options.deferFraction * epochs);
}

/** LDAM-DRW's step schedule: linear warm-up, ×0.01 from the deferral epoch, ×1e-4 from ⌊0.9·epochs⌋ (0-based). */
export function ldamDrwSchedule(lr: number, warmupEpochs: number, deferEpoch: number, epochs: number): LrSchedule {
  const secondDrop = Math.floor(0.9 * epochs);
  return (epoch) => {
    if (epoch < warmupEpochs) return (lr * (epoch + 1)) / warmupEpochs;
    if (epoch >= secondDrop) return lr * 1e-4;
    if (epoch >= deferEpoch) return lr * 0.01;
    return lr;
  };
}

/** LDAM-DRW (Cao et al.): cosine head, LDAM loss, class-balanced weights from the deferral epoch, step schedule. */
@injectable()
export class LdamDrwPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/logit-adjust/ldam-drw', version };

  constructor(
    @inject(Tokens.ClassCounts) private readonly classCounts: readonly number[],
    @inject(LdamDrwOptions) private readonly options: LdamDrwOptionsT,
  ) {}

  apply(hooks: StageHooks): void {
    const name = LdamDrwPlugin.meta.name;
    const { maxMargin, scale, beta, reweight } = this.options;
    const balanced = classBalancedWeights(this.classCounts, beta);
    let weights: Float64Array | undefined;
    if (this.options.cosineHead) hooks.classifierRescale.tap({ name, replaces: true }, (head) => new CosineHead(head));
    hooks.loss.tap({ name, replaces: true }, (): LossFn => (step) =>
      ldamLoss(step.logits(step.batch.x), step.batch.labels, this.classCounts, { maxMargin, scale, weights }),
    );
    hooks.epochStart.tap(name, async (context: StageContext, epoch: number) => {
      const deferred = reweight === 'always' || (reweight === 'drw' && epoch >= deferralEpoch(this.options, context.stage.epochs));
      weights = deferred ? balanced : undefined;
    });
    if (this.options.schedule === 'reference') {
      hooks.scheduler.tap({ name, replaces: true }, (_schedule, context) =>
        ldamDrwSchedule(context.stage.lr, context.stage.warmupEpochs, deferralEpoch(this.options, context.stage.epochs), context.stage.epochs),
      );
    }
  }
}

/** The logit-adjusted loss (replaces the stage's loss). */
export const logitAdjusted = (options: Partial<LogitAdjustOptionsT> = {}): PluginSpec =>
  definePlugin(LogitAdjustedPlugin, LogitAdjustOptions, options);

/** Post-hoc logit adjustment of the stage's head at evaluation (training unchanged). */
export const posthocAdjust = (options: Partial<LogitAdjustOptionsT> = {}): PluginSpec =>
  definePlugin(PosthocAdjustPlugin, PosthocAdjustOptions, options);

/** The Balanced Softmax loss (replaces the stage's loss). */
export const balancedSoftmax = (options?: Record<string, never>): PluginSpec => definePlugin(BalancedSoftmaxPlugin, undefined, options);

/** LDAM with deferred re-weighting, on the cosine head (replaces the head, loss and schedule). */
export const ldamDrw = (options: Partial<LdamDrwOptionsT> = {}): PluginSpec => definePlugin(LdamDrwPlugin, LdamDrwOptions, options);
