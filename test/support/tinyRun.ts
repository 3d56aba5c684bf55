/** An lt.yaml for a seconds-long CE → CE + SAMN run (MNIST-LT cut to 40 images at the head, an MLP, the cpu backend). */
export const TINY_RUN_YAML = [
  'dataset: { name: mnist, imbalance: 10, maxCount: 40 }',
  'model: { name: mlp }',
  'backend: cpu',
  'stages:',
  '  - { name: representation, epochs: 1, batchSize: 32, lr: 0.05, plugins: [ce] }',
  '  - { name: classifier, epochs: 2, batchSize: 32, lr: 0.05, weightDecay: 0, freeze: backbone, plugins: [ce, samn] }',
].join('\n');
