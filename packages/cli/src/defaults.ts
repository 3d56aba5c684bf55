import type { CliConfig, CliStage } from './schema.js';

/** The built-in two-stage recipe for a dataset: representation learning, then classifier retraining. */
export function defaultStages(dataset: CliConfig['dataset']['name']): CliStage[] {
  if (dataset === 'mnist') {
    return [
      { name: 'representation', epochs: 8, batchSize: 128, lr: 0.05, weightDecay: 5e-4, plugins: ['ce'] },
      { name: 'classifier', epochs: 4, batchSize: 128, lr: 0.01, weightDecay: 0, freeze: 'backbone', plugins: ['ce', 'samn'] },
    ];
  }
  // The SAMN reference recipe for CIFAR: CE stage 1, then CE + SAMN with lr 5e-4, no weight decay (ALGORITHMS.md C, F6).
  return [
    { name: 'representation', epochs: 200, batchSize: 64, lr: 0.01, weightDecay: 5e-3, plugins: ['ce'] },
    { name: 'classifier', epochs: 20, batchSize: 64, lr: 5e-4, weightDecay: 0, freeze: 'backbone', plugins: ['ce'] },
  ];
}

/** The default model for a dataset: the small CNN for MNIST, the reference's (wide) ResNet-32 for CIFAR. */
export function defaultModel(dataset: CliConfig['dataset']['name']): NonNullable<CliConfig['model']> {
  return dataset === 'mnist' ? { name: 'cnn' } : { name: 'resnet32', width: 'wide' };
}
