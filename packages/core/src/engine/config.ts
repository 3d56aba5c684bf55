import { z } from 'zod';
import type { DatasetSpec } from '../types/data.js';
import type { ModelSpec } from '../types/model.js';
import type { PluginSpec } from '../plugin/define.js';
import type { Logger } from '../types/logger.js';
import { LtError } from '../errors.js';

const stageSchema = z.strictObject({
  /** Stage name; names its checkpoint folder, so letters, digits, _ . - only. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, _ . - (it names a folder)'),
  /** Number of epochs the stage trains. */
  epochs: z.number().int().positive(),
  /** Training images per step. */
  batchSize: z.number().int().positive().default(64),
  /** Peak learning rate of the cosine schedule (after warm-up). */
  lr: z.number().positive().default(0.01),
  /** L2 weight decay of SGD. */
  weightDecay: z.number().nonnegative().default(5e-3),
  /** SGD momentum. */
  momentum: z.number().min(0).max(1).default(0.9),
  /** `backbone`: train only the classifier head (stage 2 of a two-stage method). */
  freeze: z.enum(['none', 'backbone']).default('none'),
  /** BatchNorm of a frozen backbone: `recalibrate` (reference code) re-estimates running statistics in training mode; `frozen` keeps them (eval mode). */
  batchNorm: z.enum(['frozen', 'recalibrate']).default('recalibrate'),
  /** Epochs of linear learning-rate warm-up before the cosine decay. */
  warmupEpochs: z.number().int().nonnegative().default(0),
  /** Apply the dataset's training augmentation (crop + flip for CIFAR). */
  augment: z.boolean().default(true),
  /** Train a frozen, eval-mode, un-augmented stage on features computed once (identical results, far faster). */
  featureCache: z.boolean().default(true),
  /**
   * What this stage starts from: the previous stage's `final` weights, or its epoch with the best test top-1
   * (`best-on-test`, what the SAMN reference code loads for stage 2 — a choice made on the test set).
   */
  initFrom: z.enum(['final', 'best-on-test']).default('final'),
  /** The methods this stage runs, in tap order. */
  plugins: z.array(z.custom<PluginSpec>(isPluginSpec, 'expected a plugin spec such as ce() or samn()')).default([]),
});

const evaluationSchema = z.strictObject({
  /** Average the logits of each test image and its horizontal flip (SAMN reference); `auto`: when the dataset says flips keep labels. */
  flipTTA: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  // Small enough that a wide ResNet's activations for one batch stay far below wasm's 4 GiB heap.
  /** Test images per forward pass. */
  batchSize: z.number().int().positive().default(128),
  /** Group boundaries: `paper` Few is n < 20; `reference-code` Few is n ≤ 20 (ALGORITHMS.md A4). */
  manyMediumFew: z.enum(['paper', 'reference-code']).default('paper'),
  /** An empty Many/Medium/Few group reports `null`, or `0` as the reference code prints it. */
  emptyGroup: z.enum(['null', 'zero']).default('null'),
  /** Evaluate on the test set after every epoch (else only after the last). */
  everyEpoch: z.boolean().default(true),
});

const runSchema = z.strictObject({
  dataset: z.custom<DatasetSpec>((v) => typeof (v as DatasetSpec)?.load === 'function', 'expected a dataset spec such as mnistLT()'),
  model: z.custom<ModelSpec>((v) => typeof (v as ModelSpec)?.build === 'function', 'expected a model spec such as cnn()'),
  /** One seed for split selection, initialisation, sampling and augmentation. */
  seed: z.number().int().default(0),
  /**
   * TensorFlow.js backend; `auto` takes tfjs-node(-gpu) when installed, else webgpu on a hardware adapter, else wasm,
   * else cpu.
   */
  backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
  /** Run directory; nothing is written when absent. */
  outDir: z.string().optional(),
  stages: z.array(stageSchema).min(1),
  evaluation: evaluationSchema.default(evaluationSchema.parse({})),
  logger: z.custom<Logger>((v) => typeof (v as Logger)?.info === 'function').optional(),
});

/** The zod schema `resolveRunConfig` validates with; the CLI reference (docs/cli.md) takes the engine's defaults from it. */
export const runConfigSchema = runSchema;

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
