import { LtError, type PluginSpec } from '@lt/core';
import { ce } from '@lt/ce';
import { samn, type SamnOptionsInput } from '@lt/samn';
import { mislasSchedule, mixup, slas, type SlasOptionsInput } from '@lt/slas';
import { glmc, glmcClassifier, glmcSchedule } from '@lt/glmc';
import { crt, lws, tauNorm } from '@lt/decoupling';
import { balancedSoftmax, ldamDrw, logitAdjusted, posthocAdjust } from '@lt/logit-adjust';
import { weightBalancing } from '@lt/weight-balancing';

/** Plugin factories the CLI and config files can name. */
const registry: Readonly<Record<string, (options: Record<string, unknown>) => PluginSpec>> = {
  ce: (options) => ce(options as Record<string, never>),
  samn: (options) => samn(options as SamnOptionsInput),
  slas: (options) => slas(options as SlasOptionsInput),
  mixup: (options) => mixup(options as Parameters<typeof mixup>[0]),
  'mislas-schedule': (options) => mislasSchedule(options as Parameters<typeof mislasSchedule>[0]),
  glmc: (options) => glmc(options as Parameters<typeof glmc>[0]),
  'glmc-classifier': (options) => glmcClassifier(options as Record<string, never>),
  'glmc-schedule': (options) => glmcSchedule(options as Parameters<typeof glmcSchedule>[0]),
  crt: (options) => crt(options as Parameters<typeof crt>[0]),
  'tau-norm': (options) => tauNorm(options as Parameters<typeof tauNorm>[0]),
  lws: (options) => lws(options as Parameters<typeof lws>[0]),
  la: (options) => logitAdjusted(options as Parameters<typeof logitAdjusted>[0]),
  'posthoc-la': (options) => posthocAdjust(options as Parameters<typeof posthocAdjust>[0]),
  'balanced-softmax': (options) => balancedSoftmax(options as Record<string, never>),
  'ldam-drw': (options) => ldamDrw(options as Parameters<typeof ldamDrw>[0]),
  wb: (options) => weightBalancing(options as Parameters<typeof weightBalancing>[0]),
};

/** Builds a plugin spec from its config-file name and options. */
export function pluginFromConfig(entry: string | { name: string; options: Record<string, unknown> }, where: string): PluginSpec {
  const { name, options } = typeof entry === 'string' ? { name: entry, options: {} } : entry;
  const factory = registry[name];
  if (factory === undefined) {
    throw new LtError('CONFIG_INVALID', `${where}: unknown plugin '${name}' (known: ${Object.keys(registry).join(', ')})`);
  }
  return factory(options);
}

/** The plugin names a configuration may use, with their factories (the CLI reference lists their options). */
export { registry as pluginFactories };
