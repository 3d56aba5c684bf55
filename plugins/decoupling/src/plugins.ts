import * as tf from '@tensorflow/tfjs-core';
import {
  definePlugin,
  inject,
  injectable,
  type ClassifierHead,
  type LtPlugin,
  type PluginSpec,
  type StageContext,
  type StageHooks,
} from '@lt/core';
import { classAwareSampler, requireFrozen } from './classAware.js';
import { LwsHead } from './lwsHead.js';
import {
  CrtOptions,
  LwsOptions,
  TauNormOptions,
  type CrtOptionsT,
  type LwsOptionsT,
  type TauNormOptionsT,
} from './options.js';
import { TauNormHead } from './tauNormHead.js';
import { chooseTau, predictTauGrid, type TauPredictions } from './tauSearch.js';
import { version } from './version.js';

/** Re-initialises a linear head in place as PyTorch's `nn.Linear` does: weight and bias U(±1/√D). */
export function reinitializeLinear(head: ClassifierHead, context: StageContext): void {
  const bound = 1 / Math.sqrt(head.featureDim);
  const rng = context.rng.fork('crt-reinitialize');
  const uniform = (size: number): Float32Array => Float32Array.from({ length: size }, () => (2 * rng.next() - 1) * bound);
  tf.tidy(() => {
    head.weight.assign(tf.tensor2d(uniform(head.numClasses * head.featureDim), [head.numClasses, head.featureDim]));
    head.bias.assign(tf.tensor1d(uniform(head.numClasses)));
  });
}

/** cRT (ALGORITHMS.md L): a re-initialised classifier retrained with CE under class-aware sampling. */
@injectable()
export class CrtPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/decoupling/crt', version };

  constructor(@inject(CrtOptions) private readonly options: CrtOptionsT) {}

  /** Re-initialises the incoming head before any head-replacing plugin (stage −100) wraps it, so SAMN composes. */
  apply(hooks: StageHooks): void {
    const name = CrtPlugin.meta.name;
    hooks.classifierRescale.tap({ name, stage: -100 }, (head, context) => {
      requireFrozen(name, context);
      if (this.options.reinitialize) reinitializeLinear(head, context);
      return head;
    });
    hooks.sampler.tap({ name, replaces: true }, (_sampler, context) =>
      classAwareSampler(context, this.options.samplesPerClass, this.options.epochLength),
    );
  }
}

/** τ-normalisation (ALGORITHMS.md L): replaces the head with its τ-normalised, bias-free version; trains nothing. */
@injectable()
export class TauNormPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/decoupling/tau-norm', version };

  constructor(@inject(TauNormOptions) private readonly options: TauNormOptionsT) {}

  /**
   * The τ search predicts in `classifierRescale`, on the model as that hook sees it, and reads the predictions back
   * in `stageStart`, where awaiting is allowed (webgpu has no synchronous read in Node); τ is set before any step.
   */
  apply(hooks: StageHooks): void {
    const name = TauNormPlugin.meta.name;
    let pending: { head: TauNormHead; predictions: TauPredictions } | undefined;
    hooks.classifierRescale.tap({ name, replaces: true }, (head, context) => {
      requireFrozen(name, context);
      const { tau, grid, searchOn, searchFraction } = this.options;
      if (tau !== undefined) return new TauNormHead(head, { tau, selectedOn: 'fixed', curve: [] });
      const predictions = predictTauGrid(context.model.backbone, head, context.dataset, {
        grid,
        on: searchOn,
        fraction: searchFraction,
        batchSize: 256,
        rng: context.rng.fork('tau-search'),
      });
      pending = { head: new TauNormHead(head), predictions };
      return pending.head;
    });
    hooks.stageStart.tapPromise(name, async (context) => {
      if (pending === undefined) return;
      const { head, predictions } = pending;
      pending = undefined;
      const choice = await chooseTau(predictions);
      const curve = choice.curve.map((p) => `${p.tau}: ${(100 * p.balancedAccuracy).toFixed(2)}`).join(', ');
      const where =
        choice.selectedOn === 'test'
          ? 'the TEST set (as the reference does: the number reported for this stage is selected on test)'
          : `a ${this.options.searchFraction} per-class split of the training set`;
      context.logger.info(`${name}: τ = ${choice.tau}, selected on ${where} by class-balanced accuracy (%) — ${curve}`);
      head.choose(choice);
    });
  }
}

/** LWS (ALGORITHMS.md L): the kept classifier with one learned scale per class, class-aware sampling. */
@injectable()
export class LwsPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/decoupling/lws', version };

  constructor(@inject(LwsOptions) private readonly options: LwsOptionsT) {}

  apply(hooks: StageHooks): void {
    const name = LwsPlugin.meta.name;
    hooks.classifierRescale.tap({ name, replaces: true }, (head, context) => {
      requireFrozen(name, context);
      return new LwsHead(head, { classifierLrFactor: this.options.trainClassifier ? 1 : 0 });
    });
    hooks.sampler.tap({ name, replaces: true }, (_sampler, context) =>
      classAwareSampler(context, this.options.samplesPerClass, this.options.epochLength),
    );
  }
}

/** cRT: classifier re-training with a re-initialised head and class-aware sampling (use in a frozen stage 2). */
export const crt = (options: Partial<CrtOptionsT> = {}): PluginSpec => definePlugin(CrtPlugin, CrtOptions, options);

/** τ-normalisation of the stage-1 head (use in a one-epoch frozen stage: nothing is trained). */
export const tauNorm = (options: Partial<TauNormOptionsT> = {}): PluginSpec => definePlugin(TauNormPlugin, TauNormOptions, options);

/** Learnable weight scaling on the kept stage-1 classifier (use in a frozen stage 2). */
export const lws = (options: Partial<LwsOptionsT> = {}): PluginSpec => definePlugin(LwsPlugin, LwsOptions, options);
