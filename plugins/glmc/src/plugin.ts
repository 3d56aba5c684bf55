import {
  definePlugin,
  inject,
  injectable,
  LtError,
  Tokens,
  type LtPlugin,
  type PluginSpec,
  type StageContext,
  type StageHooks,
} from '@lt/core';
import { mixGlmcBatch } from './batch.js';
import { withGlmcHeads } from './heads.js';
import { GlmcOptions, type GlmcOptionsInput, type GlmcOptionsT } from './options.js';
import { ResampledStream } from './resampledStream.js';
import { glmcLoss } from './stepLoss.js';
import { version } from './version.js';
import { labelWeights } from './weights.js';

/**
 * GLMC's representation stage (ALGORITHMS.md D), built from hooks only:
 * `model` adds fc_cb (the new head), the projection and prediction heads, and keeps fc as an extra;
 * `batch` pairs each instance-balanced batch with a re-weighted one and mixes them (MixUp on view 1, CutMix on view 2);
 * `loss` replaces the loss with α_e·L_bal + (1 − α_e)·L_rebal + κ·L_con.
 */
@injectable()
export class GlmcPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/glmc', version };

  constructor(
    @inject(Tokens.ClassCounts) private readonly classCounts: readonly number[],
    @inject(GlmcOptions) private readonly options: GlmcOptionsT,
  ) {}

  /** Adds the GLMC heads (`model`), mixes each batch (`batch`) and replaces the loss with the GLMC objective (`loss`). */
  apply(hooks: StageHooks, context: StageContext): void {
    const name = GlmcPlugin.meta.name;
    if (context.stage.freeze !== 'none') {
      throw new LtError(
        'PLUGIN_STAGE',
        `${name}: stage '${context.stage.name}' freezes the backbone, but GLMC trains the representation. ` +
          `Use glmc() in a stage with freeze 'none', and glmcClassifier() with samn() in the frozen stage`,
      );
    }
    const { resampleWeighting, labelWeighting, contrastWeight, beta, projectionDim } = this.options;
    const settings = {
      stream: new ResampledStream({
        labels: context.dataset.trainLabels,
        classCounts: [...this.classCounts],
        rho: resampleWeighting,
        batchSize: context.stage.batchSize,
      }),
      labelWeights: labelWeights(this.classCounts, labelWeighting),
      beta,
    };
    hooks.model.tap(name, (model, ctx) => withGlmcHeads(model, { projectionDim, rng: ctx.rng.fork('glmc', 'heads') }));
    hooks.batch.tap(name, (batch, position) => mixGlmcBatch(batch, position, settings));
    hooks.loss.tap({ name, replaces: true }, () => glmcLoss(contrastWeight));
  }
}

/** The GLMC plugin for the representation stage; `glmc(glmcPreset('cifar100', 100))` uses the paper's values. */
export const glmc = (options: GlmcOptionsInput = {}): PluginSpec => definePlugin(GlmcPlugin, GlmcOptions, options);
