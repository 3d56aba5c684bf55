import { AsyncSeriesHook, SyncWaterfallHook } from 'tapable';
import type { Batch, Sampler } from './types/data.js';
import type { ClassifierHead, ForwardMode, ModelParts } from './types/model.js';
import type { BatchContext, LossFn, LrSchedule, StageContext } from './types/context.js';
import type { EvalMetrics } from './metrics/evaluate.js';
import { LtError } from './errors.js';

/**
 * Extra tap option: `replaces: true` marks a tap that discards what it receives instead of wrapping it.
 * Two such taps on one hook cannot both win, so the stage refuses to start.
 */
export interface ReplaceOption {
  replaces?: boolean;
}

/** What `afterStep` taps receive. */
export interface StepReport {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
}

/** What `epochEnd` taps receive. */
export interface EpochReport {
  readonly epoch: number;
  readonly lr: number;
  readonly trainLoss: number;
  /** Test metrics; undefined when evaluation runs only at the end of the stage. */
  readonly metrics: EvalMetrics | undefined;
}

/** The typed hook points of one stage (DESIGN §3); created per stage and frozen. */
export type StageHooks = ReturnType<typeof createStageHooks>;

/** Creates a fresh, frozen set of stage hooks. */
export function createStageHooks() {
  return Object.freeze({
    sampler: new SyncWaterfallHook<[Sampler, StageContext], Sampler, ReplaceOption>(['sampler', 'context']),
    loss: new SyncWaterfallHook<[LossFn, StageContext], LossFn, ReplaceOption>(['loss', 'context']),
    classifierRescale: new SyncWaterfallHook<[ClassifierHead, StageContext], ClassifierHead, ReplaceOption>([
      'head',
      'context',
    ]),
    scheduler: new SyncWaterfallHook<[LrSchedule, StageContext], LrSchedule, ReplaceOption>(['schedule', 'context']),
    model: new SyncWaterfallHook<[ModelParts, StageContext], ModelParts, ReplaceOption>(['model', 'context']),
    batch: new SyncWaterfallHook<[Batch, BatchContext], Batch, ReplaceOption>(['batch', 'context']),
    forwardMode: new SyncWaterfallHook<[ForwardMode, StageContext], ForwardMode, ReplaceOption>(['mode', 'context']),
    stageStart: new AsyncSeriesHook<[StageContext]>(['context']),
    epochStart: new AsyncSeriesHook<[StageContext, number]>(['context', 'epoch']),
    afterStep: new AsyncSeriesHook<[StageContext, StepReport]>(['context', 'step']),
    epochEnd: new AsyncSeriesHook<[StageContext, EpochReport]>(['context', 'report']),
    stageEnd: new AsyncSeriesHook<[StageContext]>(['context']),
  });
}

/** The waterfall hooks whose replacing taps must be unique. */
const exclusiveHooks = ['sampler', 'loss', 'classifierRescale', 'scheduler', 'model', 'batch', 'forwardMode'] as const;

/**
 * Records which plugin registered each tap, so conflicts can name both plugins.
 * Returns `setOwner` (call before each plugin's apply) and `check` (call after all plugins applied).
 */
export function trackTapOwners(hooks: StageHooks): {
  /** Attributes the taps registered from now on to plugin `name`. */
  setOwner(name: string): void;
  /** Throws `PLUGIN_CONFLICT`, naming both plugins, when two taps replace the same hook. */
  check(): void;
} {
  let owner = '(unknown)';
  const replacers = new Map<string, Array<{ plugin: string; tap: string }>>();
  for (const hookName of exclusiveHooks) {
    const hook = hooks[hookName] as unknown as SyncWaterfallHook<[unknown, unknown], unknown, ReplaceOption>;
    hook.intercept({
      register: (tap) => {
        if (tap.replaces) {
          const list = replacers.get(hookName) ?? [];
          list.push({ plugin: owner, tap: tap.name });
          replacers.set(hookName, list);
        }
        return tap;
      },
    });
  }
  return {
    setOwner(name) {
      owner = name;
    },
    check() {
      for (const [hookName, list] of replacers) {
        if (list.length > 1) {
          const names = list.map((r) => `${r.plugin} (tap '${r.tap}')`).join(' and ');
          throw new LtError(
            'PLUGIN_CONFLICT',
            `Plugins conflict on the '${hookName}' hook: ${names} each replace it, and only one can. ` +
              `Remove one of them from the stage, or make one wrap the other instead of replacing it.`,
          );
        }
      }
    },
  };
}
