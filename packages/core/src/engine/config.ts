import { z } from 'zod';
import type { DatasetSpec } from '../types/data.js';
import type { ModelSpec } from '../types/model.js';
import type { PluginSpec } from '../plugin/define.js';
import type { Logger } from '../types/logger.js';
import { LtError } from '../errors.js';

const stageSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, _ . - (it names a folder)').describe('Stage name; names its checkpoint folder, so letters, digits, _ . - only.'),
  epochs: z.number().int().positive().describe('Number of epochs the stage trains.'),
  batchSize: z.number().int().positive().default(64).describe('Training images per step.'),
  lr: z.number().positive().default(0.01).describe('Peak learning rate of the cosine schedule (after warm-up).'),
  weightDecay: z.number().nonnegative().default(5e-3).describe('L2 weight decay of SGD.'),
  momentum: z.number().min(0).max(1).default(0.9).describe('SGD momentum.'),
  freeze: z.enum(['none', 'backbone']).default('none').describe('`backbone`: train only the classifier head (stage 2 of a two-stage method).'),
  /** BatchNorm in a frozen-backbone stage; `recalibrate` is the reference code's behaviour (ALGORITHMS.md F6). */
  batchNorm: z.enum(['frozen', 'recalibrate']).default('recalibrate').describe('BatchNorm of a frozen backbone: `recalibrate` (reference code) re-estimates running statistics in training mode; `frozen` keeps them (eval mode).'),
  warmupEpochs: z.number().int().nonnegative().default(0).describe('Epochs of linear learning-rate warm-up before the cosine decay.'),
  augment: z.boolean().default(true).describe('Apply the dataset\'s training augmentation (crop + flip for CIFAR).'),
  /** Train a frozen, eval-mode, un-augmented stage on features computed once (identical results, far faster). */
  featureCache: z.boolean().default(true).describe('Train a frozen, eval-mode, un-augmented stage on backbone features computed once (same results, far faster).'),
  /**
   * What this stage starts from: the previous stage's `final` weights, or its epoch with the best test top-1
   * (`best-on-test`, what the SAMN reference code loads for stage 2 — a choice made on the test set).
   */
  initFrom: z.enum(['final', 'best-on-test']).default('final').describe('Start from the previous stage\'s `final` weights, or from its epoch with the best test top-1 (`best-on-test`, the SAMN reference\'s choice; selected on the test set).'),
  plugins: z.array(z.custom<PluginSpec>(isPluginSpec, 'expected a plugin spec such as ce() or samn()')).default([]).describe('The methods this stage runs, in tap order.'),
});

const evaluationSchema = z.strictObject({
  flipTTA: z.union([z.boolean(), z.literal('auto')]).default('auto').describe('Average the logits of each test image and its horizontal flip (SAMN reference); `auto`: when the dataset says flips keep labels.'),
  // Small enough that a wide ResNet's activations for one batch stay far below wasm's 4 GiB heap.
  batchSize: z.number().int().positive().default(128).describe('Test images per forward pass.'),
  manyMediumFew: z.enum(['paper', 'reference-code']).default('paper').describe('Group boundaries: `paper` Few is n < 20; `reference-code` Few is n ≤ 20 (ALGORITHMS.md A4).'),
  emptyGroup: z.enum(['null', 'zero']).default('null').describe('An empty Many/Medium/Few group reports `null`, or `0` as the reference code prints it.'),
  everyEpoch: z.boolean().default(true).describe('Evaluate on the test set after every epoch (else only after the last).'),
});

const runSchema = z.strictObject({
  dataset: z.custom<DatasetSpec>((v) => typeof (v as DatasetSpec)?.load === 'function', 'expected a dataset spec such as mnistLT()'),
  model: z.custom<ModelSpec>((v) => typeof (v as ModelSpec)?.build === 'function', 'expected a model spec such as cnn()'),
  seed: z.number().int().default(0).describe('One seed for split selection, initialisation, sampling and augmentation.'),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto').describe('TensorFlow.js backend; `auto` takes tfjs-node(-gpu) when installed, else wasm, else cpu.'),
  outDir: z.string().optional().describe('Run directory; nothing is written when absent.'),
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
