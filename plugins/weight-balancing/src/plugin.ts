import { z } from 'zod';
import { defineOptions, definePlugin, inject, injectable, type LtPlugin, type PluginSpec, type StageHooks } from '@lt/core';
import { cbSoftmaxLoss } from './cbSoftmaxLoss.js';
import { maxNormThresholdTensor } from './maxNorm.js';
import { MaxNormHead } from './maxNormHead.js';
import { version } from './version.js';

/** Options of `weightBalancing()`; defaults are LTR-weight-balancing's stage 2 (ALGORITHMS.md L). */
export const weightBalancingOptionsSchema = z.strictObject({
  /** `cb-softmax`: the reference's class-balanced loss; `ce`: keep the stage's loss (MaxNorm only). */
  loss: z.enum(['cb-softmax', 'ce']).default('cb-softmax'),
  /** β of the class-balanced weights. */
  beta: z.number().min(0).lt(1).default(0.9999),
  /** Apply MaxNorm after every epoch (reference) or not. */
  maxNorm: z.boolean().default(true),
  /** Threshold = min‖w_k‖ + relative·(max − min), from the stage-2 starting classifier. */
  thresholdRelative: z.number().min(0).default(0.1),
});
/** Validated weight-balancing options. */
export type WeightBalancingOptionsT = z.output<typeof weightBalancingOptionsSchema>;
/** DI token of the weight-balancing options. */
export const WeightBalancingOptions = defineOptions<WeightBalancingOptionsT>('@lt/weight-balancing', weightBalancingOptionsSchema);

/** Weight balancing's stage 2: the kept classifier, class-balanced loss, MaxNorm projection after every epoch's training. */
@injectable()
export class WeightBalancingPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/weight-balancing', version };

  constructor(@inject(WeightBalancingOptions) private readonly options: WeightBalancingOptionsT) {}

  apply(hooks: StageHooks): void {
    const name = WeightBalancingPlugin.meta.name;
    const { beta, thresholdRelative } = this.options;
    if (this.options.loss === 'cb-softmax') {
      hooks.loss.tap({ name, replaces: true }, (_loss, context) => (step) =>
        cbSoftmaxLoss(step.logits(step.batch.x), step.batch.labels, context.classCounts, beta),
      );
    }
    if (!this.options.maxNorm) return;
    let head: MaxNormHead | undefined;
    hooks.classifierRescale.tap({ name, replaces: true }, (incoming) => {
      const threshold = maxNormThresholdTensor(incoming.weight, thresholdRelative);
      head = new MaxNormHead(incoming, threshold);
      threshold.dispose();
      return head;
    });
    // The reference projects after each training phase, before evaluating: so here after an epoch's last step,
    // whose index the (wrapped, unchanged) sampler tells when it draws the epoch's batches.
    let stepsThisEpoch = 0;
    hooks.sampler.tap({ name, stage: 1000 }, (sampler) => ({
      name: sampler.name,
      epoch: (rng) => {
        const batches = sampler.epoch(rng);
        stepsThisEpoch = batches.length;
        return batches;
      },
    }));
    hooks.afterStep.tap(name, async (_context, { step }) => {
      if (step === stepsThisEpoch - 1) head?.project();
    });
  }
}

/** Weight balancing's stage 2 (use on the frozen backbone with the kept stage-1 classifier, wd 0.1). */
export const weightBalancing = (options: Partial<WeightBalancingOptionsT> = {}): PluginSpec =>
  definePlugin(WeightBalancingPlugin, WeightBalancingOptions, options);
