import {
  definePlugin,
  inject,
  injectable,
  LtError,
  type LossFn,
  type LtPlugin,
  type PluginSpec,
  type StageContext,
  type StageHooks,
} from '@lt/core';
import { classBalancedSampler } from '@lt/data';
import { labelAwareSmoothing } from './labelAwareSmoothing.js';
import { lasLoss, softLasLoss } from './lasLoss.js';
import { LrScaledHead, LwsHead } from '@lt/decoupling';
import { SlasOptions, slasPresetNames, type SlasOptionsInput, type SlasOptionsT } from './options.js';
import { slasPresets } from './presets.js';
import { version } from './version.js';

const NAME = '@lt/slas';

/**
 * SLAS / MiSLAS classifier retraining (ALGORITHMS.md E): label-aware smoothing on `loss`, shift learning on
 * `forwardMode`, learnable weight scaling on `classifierRescale`, MiSLAS's class-balanced sampler on `sampler`.
 */
@injectable()
export class SlasPlugin implements LtPlugin {
  static readonly meta = { name: NAME, version };

  constructor(@inject(SlasOptions) private readonly options: SlasOptionsT) {}

  /** Replaces the loss with label-aware smoothing; taps forwardMode, classifierRescale and sampler as the options ask. */
  apply(hooks: StageHooks): void {
    const options = this.options;
    // LAS discards the incoming loss: a second loss-replacing plugin (e.g. ce()) in the stage is a conflict.
    hooks.loss.tap({ name: NAME, replaces: true }, (_incoming, context) => this.loss(context));

    if (options.shiftLearning !== 'stage') {
      const mode = options.shiftLearning ? 'recalibrate' : 'eval';
      hooks.forwardMode.tap({ name: `${NAME}:shift-learning`, replaces: true }, (_incoming, context) => {
        if (context.stage.freeze !== 'backbone') {
          throw new LtError(
            'PLUGIN_OPTIONS',
            `${NAME}: shiftLearning is ${options.shiftLearning} but stage '${context.stage.name}' trains the backbone; shift learning ` +
              `re-estimates BatchNorm statistics of a frozen backbone. Set freeze: 'backbone' on the stage, or shiftLearning: 'stage'.`,
          );
        }
        return mode;
      });
    }

    if (options.lws) {
      // LWS must be the stage's only classifier rescaling: declared as replacing, so samn() (or any other
      // head-replacing plugin) in the same stage is a conflict at stage start that names both plugins.
      hooks.classifierRescale.tap(
        { name: `${NAME}:lws`, replaces: true },
        (head) => new LwsHead(head, { classifierLrFactor: options.classifierLrFactor, lwsLrFactor: options.lwsLrFactor }),
      );
    } else if (options.classifierLrFactor !== 1) {
      // Without LWS the classifier still gets its own lr factor, whatever head the stage ends up with (stage 100:
      // after SAMN or any other head plugin, whatever their order in the list).
      hooks.classifierRescale.tap({ name: `${NAME}:lr-factor`, stage: 100 }, (head) => new LrScaledHead(head, options.classifierLrFactor));
    }

    if (options.sampler === 'class-balanced') {
      hooks.sampler.tap({ name: `${NAME}:class-balanced`, replaces: true }, (_incoming, context) =>
        classBalancedSampler({
          labels: context.dataset.trainLabels,
          batchSize: context.stage.batchSize,
          numClasses: context.numClasses,
          samplesPerClass: options.samplesPerClass,
        }),
      );
    }
  }

  /** The stage's LAS loss, with ε computed once from the class counts at stage start. */
  private loss(context: StageContext): LossFn {
    const { head, tail, shape, power } = this.options;
    const counts = context.classCounts;
    if (counts.length !== context.numClasses) {
      throw new LtError('PLUGIN_OPTIONS', `${NAME}: ${counts.length} class counts for ${context.numClasses} classes in stage '${context.stage.name}'`);
    }
    const epsilon = labelAwareSmoothing(counts, { head, tail, shape, power });
    if (counts.every((n) => n === counts[0])) {
      context.logger.warn(`${NAME}: every class has ${counts[0]} training samples, so label-aware smoothing is plain label smoothing with ε = head = ${head}`);
    }
    return (step) => {
      const logits = step.logits(step.batch.x);
      // Soft labels (from a batch transform): the target-weighted mixture of per-class LAS losses.
      return step.batch.targets !== undefined ? softLasLoss(logits, step.batch.targets, epsilon) : lasLoss(logits, step.batch.labels, epsilon);
    };
  }
}

/** Options with every field of `preset` filled in, the caller's fields on top; undefined fields are ignored. */
function withPreset(options: SlasOptionsInput): Record<string, unknown> {
  const explicit = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const name = (explicit.preset ?? 'samn-reference') as string;
  if (!(slasPresetNames as readonly string[]).includes(name)) return explicit; // the schema names the bad preset
  return { ...slasPresets[name as keyof typeof slasPresets], ...explicit, preset: name };
}

/**
 * The SLAS plugin for classifier retraining (stage 2): `slas()` is the `samn-reference` preset (what the SAMN
 * reference code runs); `slas({ preset: 'mislas' })` the original MiSLAS recipe; any field overrides the preset.
 */
export const slas = (options: SlasOptionsInput = {}): PluginSpec => definePlugin(SlasPlugin, SlasOptions, withPreset(options));

