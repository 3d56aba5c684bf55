import { definePlugin, LtError, type LtPlugin, type PluginSpec, type StageContext, type StageHooks } from '@lt/core';
import { glmcHeads } from './heads.js';
import { version } from './version.js';

/**
 * GLMC's classifier stage ([S] Stage2, ALGORITHMS.md F6): retrain fc_cb — the head glmc() left in place — with
 * plain cross-entropy on view 1, instance-balanced; fc and the projection heads stay untouched. The engine does
 * all of that by default in a frozen stage; this plugin checks that the model is a GLMC model (so the stage really
 * trains fc_cb) and that the backbone is frozen. Compose it with `samn()` for GLMC + SAMN.
 */
export class GlmcClassifierPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/glmc/classifier', version };

  /** Checks that the stage freezes the backbone and (on the `model` hook) that the model came out of a `glmc()` stage. */
  apply(hooks: StageHooks, context: StageContext): void {
    const name = GlmcClassifierPlugin.meta.name;
    if (context.stage.freeze !== 'backbone') {
      throw new LtError(
        'PLUGIN_STAGE',
        `${name}: stage '${context.stage.name}' trains the backbone; GLMC's classifier stage retrains fc_cb on a frozen ` +
          `backbone. Set freeze: 'backbone' (see glmcClassifierStage)`,
      );
    }
    hooks.model.tap(name, (model, ctx: StageContext) => {
      try {
        glmcHeads(model);
      } catch (error) {
        throw new LtError(
          'GLMC_MODEL',
          `${name}: stage '${ctx.stage.name}' retrains fc_cb, but ${(error as Error).message}`,
        );
      }
      return model;
    });
  }
}

/** GLMC's classifier stage: `[glmcClassifier(), samn()]` with `glmcClassifierStage` settings is GLMC + SAMN. */
export const glmcClassifier = (options?: Record<string, never>): PluginSpec => definePlugin(GlmcClassifierPlugin, undefined, options);
