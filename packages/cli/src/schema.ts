import { z } from 'zod';

const pluginEntry = z.union([
  z.string(),
  z.strictObject({ name: z.string(), options: z.record(z.string(), z.unknown()).default({}) }),
]);

const stageSchema = z.strictObject({
  name: z.string(),
  epochs: z.number().int().positive(),
  batchSize: z.number().int().positive().optional(),
  lr: z.number().positive().optional(),
  weightDecay: z.number().nonnegative().optional(),
  momentum: z.number().min(0).max(1).optional(),
  freeze: z.enum(['none', 'backbone']).optional(),
  batchNorm: z.enum(['frozen', 'recalibrate']).optional(),
  warmupEpochs: z.number().int().nonnegative().optional(),
  augment: z.boolean().optional(),
  featureCache: z.boolean().optional(),
  initFrom: z.enum(['final', 'best-on-test']).optional(),
  plugins: z.array(pluginEntry).default([]),
});

/** The `lt train` configuration file (YAML or JSON), also what flags are merged into. */
export const cliConfigSchema = z.strictObject({
  dataset: z
    .strictObject({
      name: z.enum(['mnist', 'cifar10', 'cifar100']),
      dataDir: z.string().optional(),
      imbalance: z.number().min(1).optional(),
      maxCount: z.number().int().positive().optional(),
      selection: z.enum(['first', 'random']).optional(),
    })
    .default({ name: 'mnist' }),
  model: z
    .strictObject({
      name: z.enum(['cnn', 'mlp', 'resnet8', 'resnet20', 'resnet32', 'resnet56', 'resnet10', 'resnet50', 'resnext50']),
      width: z.enum(['standard', 'wide']).optional(),
    })
    .optional(),
  /** A built-in two-stage recipe (`ce`, `ce+samn`, …); `stages` gives them explicitly instead. */
  method: z.string().optional(),
  seed: z.number().int().default(0),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  out: z.string().optional(),
  stages: z.array(stageSchema).min(1).optional(),
  evaluation: z
    .strictObject({
      flipTTA: z.union([z.boolean(), z.literal('auto')]).optional(),
      batchSize: z.number().int().positive().optional(),
      manyMediumFew: z.enum(['paper', 'reference-code']).optional(),
      emptyGroup: z.enum(['null', 'zero']).optional(),
      everyEpoch: z.boolean().optional(),
    })
    .optional(),
});

/** A validated `lt train` configuration. */
export type CliConfig = z.output<typeof cliConfigSchema>;
/** A stage entry of the configuration file. */
export type CliStage = z.output<typeof stageSchema>;
