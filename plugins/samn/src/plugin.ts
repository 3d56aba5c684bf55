import {
  definePlugin,
  inject,
  injectable,
  LtError,
  Tokens,
  type ClassifierHead,
  type LtPlugin,
  type PluginSpec,
  type StageContext,
  type StageHooks,
} from '@lt/core';
import { SamnHead } from './head.js';
import { SamnOptions, type SamnOptionsInput, type SamnOptionsT } from './options.js';
import type { ScalingClamp } from './samnLogits.js';
import { version } from './version.js';

/** Replaces the stage's classifier head with a SAMN head built from it (ALGORITHMS.md F). */
@injectable()
export class SamnPlugin implements LtPlugin {
  static readonly meta = { name: '@lt/samn', version };

  constructor(
    @inject(Tokens.ClassCounts) private readonly classCounts: readonly number[],
    @inject(SamnOptions) private readonly options: SamnOptionsT,
  ) {}

  /** Taps `classifierRescale` as a replacing tap: a second head-replacing plugin in the stage is a conflict. */
  apply(hooks: StageHooks): void {
    hooks.classifierRescale.tap({ name: SamnPlugin.meta.name, replaces: true }, (head, context) => this.build(head, context));
  }

  private build(head: ClassifierHead, context: StageContext): SamnHead {
    const { order, ...options } = this.options;
    const metric = order ?? this.classCounts;
    if (metric.length !== head.numClasses) {
      const field = order === undefined ? 'the class counts' : "option 'order'";
      throw new LtError(
        'PLUGIN_OPTIONS',
        `${SamnPlugin.meta.name}: ${field} has ${metric.length} values but head '${head.name}' has ${head.numClasses} classes ` +
          `(stage '${context.stage.name}'): give one value per class, in class-index order`,
      );
    }
    const warned = new Set<string>();
    const onClamp = (clamp: ScalingClamp): void => {
      clamp.classes.forEach((k, i) => {
        if (warned.has(`${clamp.branch}:${k}`)) return;
        warned.add(`${clamp.branch}:${k}`);
        context.logger.warn(
          `${SamnPlugin.meta.name}: class ${k}'s ${clamp.branch} scaling s = ${clamp.values[i].toPrecision(6)} exceeds ` +
            `maxScaling ${clamp.maxScaling}; clamped so exp(s) stays finite (it gets no gradient while clamped). ` +
            `Lower the stage's learning rate, or use init 'freq' or scaleMode 'mul'.`,
        );
      });
    };
    return new SamnHead(head, metric, { ...options, orderSource: order === undefined ? 'classCounts' : 'order', onClamp });
  }
}

/** The SAMN plugin: a monotone-norm classifier head for classifier retraining (stage 2). */
export const samn = (options: SamnOptionsInput = {}): PluginSpec => {
  const { order, ...rest } = options;
  const normalised = order === undefined || Array.isArray(order) ? options : { ...rest, order: Array.from(order) };
  return definePlugin(SamnPlugin, SamnOptions, normalised);
};
