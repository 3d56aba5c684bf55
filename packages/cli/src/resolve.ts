import { LtError, type RunConfig } from '@lt/core';
import type { TrainFlags } from './args.js';
import { loadConfigFile, validateConfig } from './loadConfig.js';
import { defaultModel, methodStages } from './defaults.js';
import { pluginFromConfig } from './plugins.js';
import type { CliConfig, CliStage } from './schema.js';
import { datasetFromConfig } from './datasets.js';
import { modelFromConfig } from './models.js';

/** The configuration of one `lt train` invocation: defaults ← config file ← flags. */
export async function resolveCliConfig(flags: TrainFlags): Promise<CliConfig> {
  const source = flags.config ?? 'flags';
  const fromFile = (flags.config === undefined ? {} : await loadConfigFile(flags.config)) as Record<string, unknown>;
  const base = validateConfig(fromFile, source);
  const merged = {
    ...base,
    dataset: {
      ...(flags.dataset !== undefined && flags.dataset !== base.dataset.name ? {} : base.dataset),
      ...(flags.dataset !== undefined && { name: flags.dataset }),
      ...(flags.dataDir !== undefined && { dataDir: flags.dataDir }),
      ...(flags.imbalance !== undefined && { imbalance: flags.imbalance }),
      ...(flags.imageSize !== undefined && { imageSize: flags.imageSize }),
      ...(flags.cache !== undefined && { cache: flags.cache }),
    },
    ...(flags.model !== undefined && { model: { name: flags.model } }),
    ...(flags.backend !== undefined && { backend: flags.backend }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
    ...(flags.method !== undefined && { method: flags.method }),
    ...(flags.out !== undefined && { out: flags.out }),
  };
  const config = validateConfig(merged, flags.config === undefined ? 'flags' : `${source} with flags`);
  const stages = resolveStages(config, source);
  if (flags.epochs !== undefined) {
    if (flags.epochs.length > stages.length) {
      throw new LtError('CLI_ARGS', `--epochs gives ${flags.epochs.length} values but the run has ${stages.length} stages`);
    }
    flags.epochs.forEach((epochs, i) => (stages[i] = { ...stages[i], epochs }));
  }
  return { ...config, model: config.model ?? defaultModel(config.dataset.name), stages };
}

/** The stages a configuration runs: its own `stages`, or its `method`'s recipe (default `ce+samn`); `source` names it in errors. */
export function resolveStages(config: CliConfig, source: string): CliStage[] {
  if (config.stages !== undefined && config.method !== undefined) {
    throw new LtError('CONFIG_INVALID', `${source}: give either 'method' or 'stages', not both`);
  }
  return config.stages ?? methodStages(config.method ?? 'ce+samn', config.dataset.name, config.dataset.imbalance ?? 100);
}

/** The run directory used when none is given: runs/<dataset>-lt-<UTC time>. */
export function defaultOutDir(config: CliConfig, date = new Date()): string {
  return `runs/${config.dataset.name}-lt-${date.toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
}

/** Turns a validated CLI configuration into the `createRun` configuration. */
export function toRunConfig(config: CliConfig, outDir: string): RunConfig {
  const datasetSpec = datasetFromConfig(config.dataset);
  return {
    dataset: datasetSpec,
    model: modelFromConfig(config.model!),
    seed: config.seed,
    backend: config.backend,
    outDir,
    ...(config.evaluation !== undefined && { evaluation: config.evaluation }),
    stages: config.stages!.map(({ plugins, ...stage }, i) => ({
      ...stage,
      plugins: plugins.map((p, j) => pluginFromConfig(p, `stages.${i}.plugins.${j}`)),
    })),
  };
}
