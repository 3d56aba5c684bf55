import { z } from 'zod';
import {
  defineOptions,
  definePlugin,
  inject,
  injectable,
  type LrSchedule,
  type LtPlugin,
  type PluginSpec,
  type StageHooks,
} from '@lt/core';
import { version } from './version.js';

/** Options of `mislasStepSchedule`. */
export interface MislasStepScheduleOptions {
  readonly lr: number;
  readonly epochs: number;
  /** Linear warm-up epochs (MiSLAS: 5). */
  readonly warmupEpochs?: number;
}

/**
 * MiSLAS's stage-1 learning rate (ALGORITHMS.md E1) for 0-based epoch e, with e' = e + 1: lr·e'/W while e' ≤ W,
 * then lr, ×0.1 once e' > 0.8·E and ×0.01 once e' > 0.9·E (epochs 160 and 180 of MiSLAS's 200).
 */
export function mislasStepSchedule({ lr, epochs, warmupEpochs = 5 }: MislasStepScheduleOptions): LrSchedule {
  return (epoch) => {
    const e = epoch + 1;
    if (e <= warmupEpochs) return (lr * e) / warmupEpochs;
    if (e > 0.9 * epochs) return lr * 0.01;
    if (e > 0.8 * epochs) return lr * 0.1;
    return lr;
  };
}

/** The options of `mislasSchedule()`. */
export const mislasScheduleOptionsSchema = z.strictObject({
  /** Epochs of linear warm-up (lr·e'/W for e' = e + 1 ≤ W); MiSLAS uses 5. */
  warmupEpochs: z.number().int().nonnegative().default(5),
});

/** Validated options of `mislasSchedule()`. */
export type MislasScheduleOptionsT = z.output<typeof mislasScheduleOptionsSchema>;

/** DI token of the validated schedule options. */
export const MislasScheduleOptions = defineOptions<MislasScheduleOptionsT>('@lt/slas:mislas-schedule', mislasScheduleOptionsSchema);

/** Replaces the stage's cosine schedule with MiSLAS's stage-1 warm-up + step schedule, from the stage's lr and epochs. */
@injectable()
export class MislasSchedulePlugin implements LtPlugin {
  static readonly meta = { name: '@lt/slas:mislas-schedule', version };

  constructor(@inject(MislasScheduleOptions) private readonly options: MislasScheduleOptionsT) {}

  /** Replaces the stage's schedule with MiSLAS's warm-up and step decay. */
  apply(hooks: StageHooks): void {
    hooks.scheduler.tap({ name: MislasSchedulePlugin.meta.name, replaces: true }, (_cosine, context) =>
      mislasStepSchedule({ lr: context.stage.lr, epochs: context.stage.epochs, warmupEpochs: this.options.warmupEpochs }),
    );
  }
}

/** MiSLAS's stage-1 schedule as a plugin: `mislasSchedule({ warmupEpochs: 5 })`. */
export const mislasSchedule = (options: z.input<typeof mislasScheduleOptionsSchema> = {}): PluginSpec =>
  definePlugin(MislasSchedulePlugin, MislasScheduleOptions, options);
