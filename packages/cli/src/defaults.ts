import { LtError } from '@lt/core';
import { slasRecipe, type CifarImbalance, type SlasPresetName } from '@lt/slas';
import { glmcRecipe } from '@lt/glmc';
import type { CliConfig, CliStage } from './schema.js';
import { baselineMethods, baselineStages, type BaselineMethod } from './baselines.js';

type DatasetName = CliConfig['dataset']['name'];

/** Named two-stage recipes `--method` selects. */
export const methods = [
  'ce',
  'ce+samn',
  'slas',
  'slas+samn',
  'glmc',
  'glmc+samn',
  ...baselineMethods,
] as const;
/** A `--method` value. */
export type Method = (typeof methods)[number];

/** Stage-1 and plain stage-2 settings per dataset: MNIST tuned for minutes on a CPU; CIFAR as the SAMN reference (ALGORITHMS.md C, F6). */
function baseStages(dataset: DatasetName): [CliStage, CliStage] {
  if (dataset === 'mnist') {
    return [
      { name: 'representation', epochs: 8, batchSize: 128, lr: 0.05, weightDecay: 5e-4, plugins: ['ce'] },
      { name: 'classifier', epochs: 4, batchSize: 128, lr: 0.01, weightDecay: 0, freeze: 'backbone', plugins: ['ce'] },
    ];
  }
  return [
    { name: 'representation', epochs: 200, batchSize: 64, lr: 0.01, weightDecay: 5e-3, plugins: ['ce'] },
    { name: 'classifier', epochs: 20, batchSize: 64, lr: 5e-4, weightDecay: 0, freeze: 'backbone', plugins: ['ce'] },
  ];
}

/** SLAS options for a preset: the per-dataset reference values on CIFAR at IF 10/50/100, the preset itself otherwise. */
function slasEntry(preset: SlasPresetName, dataset: DatasetName, imbalance: number): CliStage['plugins'][number] {
  const tabulated = dataset !== 'mnist' && [10, 50, 100].includes(imbalance);
  return { name: 'slas', options: tabulated ? { ...slasRecipe(preset, dataset, imbalance as CifarImbalance) } : { preset } };
}

/** The stages of a method on a dataset (at an imbalance factor): representation learning, then classifier retraining. */
export function methodStages(method: string, dataset: DatasetName, imbalance = 100): CliStage[] {
  const [representation, classifier] = baseStages(dataset);
  switch (method) {
    case 'ce':
      return [representation, classifier];
    case 'ce+samn':
      return [representation, { ...classifier, plugins: ['ce', 'samn'] }];
    // SLAS as the SAMN reference code runs it: the plain CE stage 1, LAS + shift learning in stage 2 (ALGORITHMS.md E3).
    case 'slas':
      return [representation, { ...classifier, plugins: [slasEntry('samn-reference-baseline', dataset, imbalance)] }];
    case 'slas+samn':
      return [representation, { ...classifier, plugins: [slasEntry('samn-reference', dataset, imbalance), 'samn'] }];
    // GLMC stage 1, then CE on its re-balanced head fc_cb (ALGORITHMS.md D, F6); presets per dataset and imbalance.
    case 'glmc':
    case 'glmc+samn': {
      const withSamn = method === 'glmc+samn';
      const recipe = glmcRecipe(dataset, imbalance, withSamn ? 'samn' : 'plain');
      return [
        { name: 'representation', ...recipe.representation, plugins: [{ name: 'glmc', options: { ...recipe.options } }] },
        { name: 'classifier', ...recipe.classifier, plugins: withSamn ? ['glmc-classifier', 'samn'] : ['glmc-classifier'] },
      ];
    }
    default:
      if ((baselineMethods as readonly string[]).includes(method)) {
        return baselineStages(method as BaselineMethod, dataset, representation, classifier);
      }
      throw new LtError('CLI_ARGS', `unknown method '${method}' (known: ${methods.join(', ')})`);
  }
}

/** The default model for a dataset: the small CNN for MNIST, the reference's (wide) ResNet-32 for CIFAR. */
export function defaultModel(dataset: DatasetName): NonNullable<CliConfig['model']> {
  return dataset === 'mnist' ? { name: 'cnn' } : { name: 'resnet32', width: 'wide' };
}
