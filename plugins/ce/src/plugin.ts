import { crossEntropyLoss, definePlugin, version, type LtPlugin, type PluginSpec, type StageHooks } from '@lt/core';

/** Trains with plain softmax cross-entropy (soft labels when a batch transform supplies them). */
export class CePlugin implements LtPlugin {
  static readonly meta = { name: '@lt/ce', version };

  /** Replaces the stage's loss with cross-entropy: a second loss-replacing plugin in the stage is a conflict. */
  apply(hooks: StageHooks): void {
    hooks.loss.tap({ name: CePlugin.meta.name, replaces: true }, () => crossEntropyLoss);
  }
}

/** The cross-entropy baseline, for stage 1 and for plain classifier retraining in stage 2; it takes no options. */
export const ce = (options?: Record<string, never>): PluginSpec => definePlugin(CePlugin, undefined, options);
