import { z } from 'zod';
import type { DatasetSpec } from '../types/data.js';
import type { ModelSpec } from '../types/model.js';
import type { PluginSpec } from '../plugin/define.js';
import type { Logger } from '../types/logger.js';
import { LtError } from '../errors.js';

const stageSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, _ . - (it names a folder)'),
  epochs: z.number().int().positive(),
  batchSize: z.number().int().positive().default(64),
  lr: z.number().positive().default(0.01),
  weightDecay: z.number().nonnegative().default(5e-3),
  momentum: z.number().min(0).max(1).default(0.9),
  freeze: z.enum(['none', 'backbone']).default('none'),
  /** BatchNorm in a frozen-backbone stage; `recalibrate` is the reference code's behaviour (ALGORITHMS.md F6). */
  batchNorm: z.enum(['frozen', 'recalibrate']).default('recalibrate'),
  warmupEpochs: z.number().int().nonnegative().default(0),
  augment: z.boolean().default(true),
  /** Train a frozen, eval-mode, un-augmented stage on features computed once (identical results, far faster). */
  featureCache: z.boolean().default(true),
  /**
   * What this stage starts from: the previous stage's `final` weights, or its epoch with the best test top-1
   * (`best-on-test`, what the SAMN reference code loads for stage 2 — a choice made on the test set).
   */
  initFrom: z.enum(['final', 'best-on-test']).default('final'),
  plugins: z.array(z.custom<PluginSpec>(isPluginSpec, 'expected a plugin spec such as ce() or samn()')).default([]),
});

const evaluationSchema = z.strictObject({
  flipTTA: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  // Small enough that a wide ResNet's activations for one batch stay far below wasm's 4 GiB heap.
  batchSize: z.number().int().positive().default(128),
  manyMediumFew: z.enum(['paper', 'reference-code']).default('paper'),
  emptyGroup: z.enum(['null', 'zero']).default('null'),
  everyEpoch: z.boolean().default(true),
});

const runSchema = z.strictObject({
  dataset: z.custom<DatasetSpec>((v) => typeof (v as DatasetSpec)?.load === 'function', 'expected a dataset spec such as mnistLT()'),
  model: z.custom<ModelSpec>((v) => typeof (v as ModelSpec)?.build === 'function', 'expected a model spec such as cnn()'),
  seed: z.number().int().default(0),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  outDir: z.string().optional(),
  stages: z.array(stageSchema).min(1),
  evaluation: evaluationSchema.default(evaluationSchema.parse({})),
  logger: z.custom<Logger>((v) => typeof (v as Logger)?.info === 'function').optional(),
});

function isPluginSpec(value: unknown): value is PluginSpec {
  const spec = value as PluginSpec;
  return typeof spec?.name === 'string' && typeof spec?.plugin === 'function';
}

/** A run's configuration as users write it (defaults filled in by `resolveRunConfig`). */
export type RunConfig = z.input<typeof runSchema>;
/** A stage as users write it. */
export type StageConfig = z.input<typeof stageSchema>;
/** A run's configuration with every default applied. */
export type ResolvedRunConfig = z.output<typeof runSchema>;

/** Validates a run configuration; errors name the field (`stages.1.lr: …`). */
export function resolveRunConfig(config: RunConfig): ResolvedRunConfig {
  const parsed = runSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
    throw new LtError('CONFIG_INVALID', `Invalid run configuration: ${problems}`);
  }
  const names = parsed.data.stages.map((s) => s.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new LtError('CONFIG_INVALID', `Invalid run configuration: two stages are named '${repeated}'`);
  if (parsed.data.stages[0].initFrom === 'best-on-test') {
    throw new LtError('CONFIG_INVALID', `Invalid run configuration: stages.0.initFrom is 'best-on-test' but there is no previous stage`);
  }
  for (const [i, stage] of parsed.data.stages.entries()) {
    if (stage.initFrom === 'best-on-test' && !parsed.data.evaluation.everyEpoch) {
      throw new LtError('CONFIG_INVALID', `Invalid run configuration: stages.${i}.initFrom 'best-on-test' needs evaluation.everyEpoch`);
    }
    if (stage.warmupEpochs > stage.epochs) {
      throw new LtError('CONFIG_INVALID', `Invalid run configuration: stages.${i}.warmupEpochs (${stage.warmupEpochs}) exceeds epochs (${stage.epochs})`);
    }
  }
  return parsed.data;
}
