import type { CliConfig, CliStage } from './schema.js';

type DatasetName = CliConfig['dataset']['name'];

/** The methods SAMN is compared against (ALGORITHMS.md L), and the `+samn` variants that make sense. */
export const baselineMethods = [
  'crt',
  'crt+samn',
  'tau-norm',
  'lws',
  'la',
  'la+samn',
  'balanced-softmax',
  'ldam-drw',
  'ldam-drw+samn',
  'wb',
] as const;
/** One of `baselineMethods`. */
export type BaselineMethod = (typeof baselineMethods)[number];

/** Decoupling's stage-2 optimiser settings (`cls_crt.yaml` / `cls_lws.yaml`); MNIST keeps the short stage 2. */
function decoupledStage(dataset: DatasetName, classifier: CliStage, epochs: number): CliStage {
  return dataset === 'mnist' ? classifier : { ...classifier, epochs, batchSize: 512, lr: 0.2, momentum: 0.9, weightDecay: 5e-4 };
}

/**
 * LDAM-DRW's one training stage (kaidic/LDAM-DRW CIFAR: 200 epochs, lr 0.1, wd 2e-4, batch 128, 5 warm-up epochs).
 * The 8-epoch MNIST stage keeps the stage's cosine schedule: the reference's ×0.01 drop at the deferral epoch would
 * leave its last 2 epochs, the re-weighted ones, at lr 5e-4.
 */
function ldamStage(dataset: DatasetName, representation: CliStage): CliStage {
  if (dataset === 'mnist') return { ...representation, warmupEpochs: 1, plugins: [{ name: 'ldam-drw', options: { schedule: 'stage' } }] };
  return { ...representation, epochs: 200, batchSize: 128, lr: 0.1, weightDecay: 2e-4, warmupEpochs: 5, plugins: ['ldam-drw'] };
}

/** The stages of a baseline method, built on the default representation and classifier stages of `dataset`. */
export function baselineStages(method: BaselineMethod, dataset: DatasetName, representation: CliStage, classifier: CliStage): CliStage[] {
  switch (method) {
    // Decoupling (Kang et al.): CE stage 1, then a frozen stage 2 that re-trains, normalises or rescales the head.
    case 'crt':
      return [representation, { ...decoupledStage(dataset, classifier, 10), plugins: ['ce', 'crt'] }];
    case 'crt+samn':
      return [representation, { ...classifier, plugins: ['ce', 'crt', 'samn'] }];
    // τ-norm trains nothing: one frozen epoch whose head parameters have lr factor 0.
    case 'tau-norm':
      return [representation, { ...classifier, epochs: 1, plugins: ['tau-norm'] }];
    case 'lws':
      return [representation, { ...decoupledStage(dataset, classifier, 5), plugins: ['ce', 'lws'] }];
    // One-stage losses, kept in stage 2 so classifier retraining does not undo the re-balancing.
    case 'la':
      return [{ ...representation, plugins: ['la'] }, { ...classifier, plugins: ['la'] }];
    case 'la+samn':
      return [{ ...representation, plugins: ['la'] }, { ...classifier, plugins: ['ce', 'samn'] }];
    case 'balanced-softmax':
      return [{ ...representation, plugins: ['balanced-softmax'] }, { ...classifier, plugins: ['balanced-softmax'] }];
    case 'ldam-drw':
      return [ldamStage(dataset, representation)];
    case 'ldam-drw+samn':
      return [ldamStage(dataset, representation), { ...classifier, plugins: ['ce', 'samn'] }];
    // Weight balancing (Alshammari et al.): CE with tuned wd (CIFAR: 320 epochs, wd 5e-3), then CB loss + MaxNorm.
    case 'wb':
      return [
        { ...representation, weightDecay: 5e-3, ...(dataset !== 'mnist' && { epochs: 320, batchSize: 64, lr: 0.01 }) },
        { ...classifier, lr: 0.01, weightDecay: 0.1, ...(dataset !== 'mnist' && { epochs: 10, batchSize: 64 }), plugins: ['wb'] },
      ];
  }
}
