import { z } from 'zod';
import { defineOptions, definePlugin, inject, injectable, type LrSchedule, type LtPlugin, type PluginSpec, type StageHooks } from '@lt/core';
import { version } from './version.js';

/**
 * GLMC's ImageNet-LT / iNaturalist learning rate (ALGORITHMS.md D, "Large-scale LR") for 0-based epoch n:
 * epoch 0 at lr; then with e = n − 1 (the epoch just finished), lr·(e + 1)/W while e ≤ W (so epoch W + 1 runs at
 * 1.1·lr for W = 10, as the reference does), else lr·½(1 + cos(π(e − W + 1)/(E − W + 1))).
 */
export function glmcLargeScaleSchedule({ lr, epochs, warmupEpochs = 10 }: { lr: number; epochs: number; warmupEpochs?: number }): LrSchedule {
  return (epoch) => {
    if (epoch === 0) return lr;
    const e = epoch - 1;
    if (e <= warmupEpochs) return (lr * (e + 1)) / warmupEpochs;
    return lr * 0.5 * (1 + Math.cos((Math.PI * (e - warmupEpochs + 1)) / (epochs - warmupEpochs + 1)));
  };
}

/** Options of `glmcSchedule()`: the warm-up length of GLMC's large-scale schedule. */
export const glmcScheduleOptionsSchema = z.strictObject({
  /** Warm-up epochs W: epochs 1..W+1 run at lr·n/W after epoch 0 at lr (the reference: 10). */
  warmupEpochs: z.number().int().positive().default(10),
});

/** Validated options of `glmcSchedule()`. */
export type GlmcScheduleOptionsT = z.output<typeof glmcScheduleOptionsSchema>;

/** DI token of the validated schedule options. */
export const GlmcScheduleOptions = defineOptions<GlmcScheduleOptionsT>('@lt/glmc:schedule', glmcScheduleOptionsSchema);

/** Replaces the stage's cosine schedule with GLMC's large-scale warm-up + cosine, from the stage's lr and epochs. */
@injectable()
export class GlmcSchedulePlugin implements LtPlugin {
  static readonly meta = { name: '@lt/glmc:schedule', version };

  constructor(@inject(GlmcScheduleOptions) private readonly options: GlmcScheduleOptionsT) {}

  apply(hooks: StageHooks): void {
    hooks.scheduler.tap({ name: GlmcSchedulePlugin.meta.name, replaces: true }, (_cosine, context) =>
      glmcLargeScaleSchedule({ lr: context.stage.lr, epochs: context.stage.epochs, warmupEpochs: this.options.warmupEpochs }),
    );
  }
}

/** GLMC's large-scale schedule as a plugin: `glmcSchedule()` (ImageNet-LT, iNaturalist 2018 stage 1). */
export const glmcSchedule = (options: z.input<typeof glmcScheduleOptionsSchema> = {}): PluginSpec =>
  definePlugin(GlmcSchedulePlugin, GlmcScheduleOptions, options);
