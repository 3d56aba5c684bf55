import { LtError } from '@lt/core';
import { slasRecipe, type CifarImbalance, type SlasPresetName } from '@lt/slas';
import { glmcPreset, glmcRecipe } from '@lt/glmc';
import { isImageDataset } from './datasets.js';
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
  if (dataset === 'features') {
    // A linear head on fixed features: CE first (the identity backbone has nothing to train), then retraining.
    return [
      { name: 'representation', epochs: 10, batchSize: 128, lr: 0.1, weightDecay: 5e-4, plugins: ['ce'] },
      { name: 'classifier', epochs: 5, batchSize: 128, lr: 0.01, weightDecay: 0, freeze: 'backbone', plugins: ['ce'] },
    ];
  }
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
  if ((dataset === 'cifar10' || dataset === 'cifar100') && [10, 50, 100].includes(imbalance)) {
    return { name: 'slas', options: { ...slasRecipe(preset, dataset, imbalance as CifarImbalance) } };
  }
  return { name: 'slas', options: { preset } };
}

/**
 * The paper's large-scale settings (SAMN with GLMC, ResNeXt-50; ALGORITHMS.md D and the SAMN table): iNaturalist 2018
 * 120 epochs, wd 5e-3, stage-2 lr 5e-5; ImageNet-LT 135 epochs, wd 2e-4, stage-2 lr 1e-5. Places-LT and other image
 * datasets have no published setting: they use ImageNet-LT's. Stage 2: 20 epochs, batch 512, no weight decay.
 */
function largeScaleStages(dataset: DatasetName): [CliStage, CliStage] {
  const inat = dataset === 'inat2018' || dataset === 'inat';
  return [
    { name: 'representation', epochs: inat ? 120 : 135, batchSize: 128, lr: 0.1, weightDecay: inat ? 5e-3 : 2e-4, plugins: ['ce'] },
    { name: 'classifier', epochs: 20, batchSize: 512, lr: inat ? 5e-5 : 1e-5, weightDecay: 0, freeze: 'backbone', plugins: ['ce'] },
  ];
}

/** GLMC on an image dataset: the ImageNet-LT / iNaturalist preset (ρ 0.2, γ 1.0, κ 10, projection 256) and GLMC's large-scale schedule. */
function largeScaleGlmc(dataset: DatasetName, withSamn: boolean): CliStage[] {
  const [representation, classifier] = largeScaleStages(dataset);
  const options = { ...glmcPreset(dataset === 'inat2018' || dataset === 'inat' ? 'inat18' : 'imagenet-lt') };
  return [
    { ...representation, plugins: [{ name: 'glmc', options }, 'glmc-schedule'] },
    { ...classifier, batchNorm: 'recalibrate', plugins: withSamn ? ['glmc-classifier', 'samn'] : ['glmc-classifier'] },
  ];
}

/** The stages of a method on a dataset (at an imbalance factor): representation learning, then classifier retraining. */
export function methodStages(method: string, dataset: DatasetName, imbalance = 100): CliStage[] {
  const [representation, classifier] = isImageDataset(dataset) ? largeScaleStages(dataset) : baseStages(dataset);
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
      if (dataset === 'features') {
        throw new LtError('CLI_ARGS', `method '${method}' learns a representation (mixing images): it does not apply to the features dataset; use ce, ce+samn, slas or slas+samn`);
      }
      const withSamn = method === 'glmc+samn';
      if (isImageDataset(dataset)) return largeScaleGlmc(dataset, withSamn);
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

/** The default model for a dataset: the small CNN for MNIST, the reference's (wide) ResNet-32 for CIFAR, ResNeXt-50 for the paper's large-scale datasets, ResNet-10 for other image datasets, none for features. */
export function defaultModel(dataset: DatasetName): NonNullable<CliConfig['model']> {
  if (dataset === 'features') return { name: 'identity' };
  if (dataset === 'mnist') return { name: 'cnn' };
  if (dataset === 'imagenet-lt' || dataset === 'inat2018' || dataset === 'places-lt') return { name: 'resnext50' };
  return isImageDataset(dataset) ? { name: 'resnet10' } : { name: 'resnet32', width: 'wide' };
}
