import { LtError } from '@lt/core';
import type { CliConfig, CliStage } from './schema.js';

type DatasetName = CliConfig['dataset']['name'];

/** Named two-stage recipes `--method` selects. */
export const methods = ['ce', 'ce+samn'] as const;
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

/** The stages of a method on a dataset: representation learning, then classifier retraining. */
export function methodStages(method: string, dataset: DatasetName): CliStage[] {
  const [representation, classifier] = baseStages(dataset);
  switch (method) {
    case 'ce':
      return [representation, classifier];
    case 'ce+samn':
      return [representation, { ...classifier, plugins: ['ce', 'samn'] }];
    default:
      throw new LtError('CLI_ARGS', `unknown method '${method}' (known: ${methods.join(', ')})`);
  }
}

/** The default model for a dataset: the small CNN for MNIST, the reference's (wide) ResNet-32 for CIFAR. */
export function defaultModel(dataset: DatasetName): NonNullable<CliConfig['model']> {
  return dataset === 'mnist' ? { name: 'cnn' } : { name: 'resnet32', width: 'wide' };
}
