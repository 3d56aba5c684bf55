import { LtError, type StageConfig } from '@lt/core';
import type { GlmcOptionsInput } from './options.js';

/** The per-dataset values of GLMC's runs (ALGORITHMS.md D table): ρ, γ, κ (and P for ResNeXt-50). */
export interface GlmcPresetOptions {
  readonly resampleWeighting: number;
  readonly labelWeighting: number;
  readonly contrastWeight: number;
  readonly projectionDim?: number;
}

/** Datasets with a GLMC preset. CIFAR presets also depend on the imbalance factor (100, 50 or 10). */
export type GlmcPresetDataset = 'cifar10' | 'cifar100' | 'imagenet-lt' | 'inat18';

const preset = (resampleWeighting: number, labelWeighting: number, contrastWeight: number): GlmcPresetOptions =>
  Object.freeze({ resampleWeighting, labelWeighting, contrastWeight });

/** [G] README = [S] launch script, per dataset and imbalance factor. */
export const glmcPresets = Object.freeze({
  cifar100: Object.freeze({ 100: preset(0.0, 1.2, 4), 50: preset(0.2, 1.2, 6), 10: preset(0.2, 1.2, 4) }),
  cifar10: Object.freeze({ 100: preset(0.0, 1.2, 1), 50: preset(0.0, 1.2, 1), 10: preset(0.2, 1.0, 2) }),
  /** ResNeXt-50: projection 2048→256, prediction 256→256 (B2). */
  'imagenet-lt': Object.freeze({ ...preset(0.2, 1.0, 10), projectionDim: 256 }),
  inat18: Object.freeze({ ...preset(0.2, 1.0, 10), projectionDim: 256 }),
});

const cifarFactors = [100, 50, 10] as const;
type CifarFactor = (typeof cifarFactors)[number];

/**
 * Returns the reference's GLMC options for a dataset, e.g. `glmc(glmcPreset('cifar100', 100))`.
 * CIFAR needs the imbalance factor (100, 50 or 10); ImageNet-LT and iNaturalist 2018 take none.
 */
export function glmcPreset(dataset: 'cifar10' | 'cifar100', imbalanceFactor: CifarFactor | number): GlmcPresetOptions;
export function glmcPreset(dataset: 'imagenet-lt' | 'inat18'): GlmcPresetOptions;
export function glmcPreset(dataset: GlmcPresetDataset, imbalanceFactor?: number): GlmcPresetOptions {
  if (dataset === 'imagenet-lt' || dataset === 'inat18') return glmcPresets[dataset];
  if (dataset !== 'cifar10' && dataset !== 'cifar100') {
    throw new LtError('GLMC_PRESET', `glmcPreset: no preset for dataset '${String(dataset)}' (known: ${Object.keys(glmcPresets).join(', ')})`);
  }
  if (!cifarFactors.includes(imbalanceFactor as CifarFactor)) {
    throw new LtError(
      'GLMC_PRESET',
      `glmcPreset('${dataset}', ${String(imbalanceFactor)}): the reference has values for imbalance factors ${cifarFactors.join(', ')} only`,
    );
  }
  return glmcPresets[dataset][imbalanceFactor as CifarFactor];
}

/** Stage settings (everything of a stage but its name and plugins). */
export type GlmcStageSettings = Omit<StageConfig, 'name' | 'plugins'>;

/** The reference's GLMC representation stage on CIFAR (ALGORITHMS.md C, D): 200 epochs, batch 64, lr 0.01, wd 5e-3, cosine. */
export const glmcRepresentationStage: Readonly<GlmcStageSettings> = Object.freeze({
  epochs: 200,
  batchSize: 64,
  lr: 0.01,
  weightDecay: 5e-3,
  momentum: 0.9,
  freeze: 'none',
});

/**
 * The reference's GLMC + SAMN classifier stage (ALGORITHMS.md F6): 20 epochs, batch 64, lr 5e-5 (hard-coded in
 * [S] for GLMC), no weight decay, backbone frozen with BatchNorm statistics re-estimated.
 */
export const glmcClassifierStage: Readonly<GlmcStageSettings> = Object.freeze({
  epochs: 20,
  batchSize: 64,
  lr: 5e-5,
  weightDecay: 0,
  momentum: 0.9,
  freeze: 'backbone',
  batchNorm: 'recalibrate',
});

/** A GLMC (+ SAMN) recipe: plugin options and the settings of its two stages. */
export interface GlmcRecipe {
  readonly options: GlmcOptionsInput;
  readonly representation: Readonly<GlmcStageSettings>;
  readonly classifier: Readonly<GlmcStageSettings>;
  /** Where the options come from, for logs and manifests. */
  readonly source: string;
}

/** What the classifier stage trains: fc_cb through SAMN (`[glmcClassifier(), samn()]`) or plainly (`[glmcClassifier()]`). */
export type GlmcClassifierKind = 'samn' | 'plain';

/**
 * Returns the recommended GLMC → classifier-stage recipe for a dataset the CLI knows. CIFAR: the reference values
 * (the nearest tabulated imbalance factor when the factor is not 100, 50 or 10; `source` says so) and the
 * reference stages. MNIST is not in the reference: the CIFAR-10 values of the nearest factor (also 10 classes),
 * 16 GLMC epochs (at the CE recipe's 8 the re-balanced head is still far behind: 0.34 top-1), and a classifier
 * learning rate of 2e-4 with SAMN, 5e-5 without (picked by a small sweep on MNIST-LT IF 100, see the README).
 */
export function glmcRecipe(dataset: 'mnist' | 'cifar10' | 'cifar100', imbalanceFactor = 100, classifier: GlmcClassifierKind = 'samn'): GlmcRecipe {
  if (!(Number.isFinite(imbalanceFactor) && imbalanceFactor >= 1)) {
    throw new LtError('GLMC_PRESET', `glmcRecipe: imbalanceFactor must be a number ≥ 1, got ${imbalanceFactor}`);
  }
  if (dataset !== 'mnist' && dataset !== 'cifar10' && dataset !== 'cifar100') {
    throw new LtError('GLMC_PRESET', `glmcRecipe: no recipe for dataset '${String(dataset)}' (known: mnist, cifar10, cifar100)`);
  }
  if (classifier !== 'samn' && classifier !== 'plain') {
    throw new LtError('GLMC_PRESET', `glmcRecipe: classifier must be 'samn' or 'plain', got '${String(classifier)}'`);
  }
  const nearest = cifarFactors.reduce((best, factor) =>
    Math.abs(Math.log(factor / imbalanceFactor)) < Math.abs(Math.log(best / imbalanceFactor)) ? factor : best,
  );
  const table = dataset === 'cifar100' ? 'cifar100' : 'cifar10';
  const options = { ...glmcPreset(table, nearest) };
  const source =
    dataset === 'mnist' || nearest !== imbalanceFactor
      ? `glmcPreset('${table}', ${nearest}) (no reference values for ${dataset} at imbalance factor ${imbalanceFactor})`
      : `glmcPreset('${table}', ${nearest})`;
  if (dataset === 'mnist') {
    return {
      options,
      representation: Object.freeze({ epochs: 16, batchSize: 128, lr: 0.05, weightDecay: 5e-4, momentum: 0.9, freeze: 'none' }),
      classifier: Object.freeze({
        epochs: 4,
        batchSize: 128,
        lr: classifier === 'samn' ? 2e-4 : 5e-5,
        weightDecay: 0,
        momentum: 0.9,
        freeze: 'backbone',
        batchNorm: 'recalibrate',
      }),
      source,
    };
  }
  return { options, representation: glmcRepresentationStage, classifier: glmcClassifierStage, source };
}
