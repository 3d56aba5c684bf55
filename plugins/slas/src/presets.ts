import { LtError, type StageConfig } from '@lt/core';
import type { SlasOptionsInput, SlasPreset, SlasPresetName } from './options.js';

/** The CIFAR-LT datasets the reference tables cover. */
export type CifarDataset = 'cifar10' | 'cifar100';
/** The imbalance factors the reference tables cover. */
export type CifarImbalance = 10 | 50 | 100;

/** ε of the most and least frequent class. */
export interface SmoothingPair {
  readonly head: number;
  readonly tail: number;
}

/**
 * The recipes of `slas({ preset })`, as plain objects to read and override. ε, the lr factor and shift learning
 * depend on the dataset in the references: the values here are the CIFAR-10 ones (IF 100 where they vary), the
 * setting closest to the default 10-class MNIST-LT; `slasRecipe(preset, dataset, imbalance)` gives the others.
 * Learning rate, epochs, batch size and weight decay are stage settings, not plugin options: see `slasStageSettings`.
 */
export const slasPresets: Readonly<Record<SlasPresetName, SlasPreset>> = Object.freeze({
  /** SLAS + SAMN as the SAMN reference code runs it (`--methods MISLAS --use_samn 1`, E3): no LWS, one lr. */
  'samn-reference': Object.freeze({
    head: 0.3,
    tail: 0.1,
    shape: 'concave',
    shiftLearning: true,
    lws: false,
    classifierLrFactor: 1,
    lwsLrFactor: 1,
    sampler: 'instance-balanced',
    samplesPerClass: 4,
  }),
  /** The SLAS baseline row of the SAMN paper as its code runs it (`--use_samn 0`, E3): LWS, still one lr. */
  'samn-reference-baseline': Object.freeze({
    head: 0.3,
    tail: 0,
    shape: 'concave',
    shiftLearning: true,
    lws: true,
    classifierLrFactor: 1,
    lwsLrFactor: 1,
    sampler: 'instance-balanced',
    samplesPerClass: 4,
  }),
  /** The original MiSLAS stage 2 (E1; `cifar10_imb001_stage2_mislas.yaml`): class-balanced, LWS, lr_factor. */
  mislas: Object.freeze({
    head: 0.3,
    tail: 0,
    shape: 'concave',
    shiftLearning: false,
    lws: true,
    classifierLrFactor: 0.5,
    lwsLrFactor: 1,
    sampler: 'class-balanced',
    samplesPerClass: 4,
  }),
});

type Table<T> = Readonly<Record<CifarDataset, Readonly<Record<CifarImbalance, T>>>>;

// ALGORITHMS.md E1 (MiSLAS configs): ε_head/ε_tail and the classifier's lr_factor per dataset and IF.
const mislasSmoothingTable: Table<SmoothingPair> = {
  cifar10: { 100: { head: 0.3, tail: 0 }, 50: { head: 0.2, tail: 0 }, 10: { head: 0.1, tail: 0 } },
  cifar100: { 100: { head: 0.4, tail: 0.1 }, 50: { head: 0.3, tail: 0 }, 10: { head: 0.2, tail: 0 } },
};
const mislasLrFactorTable: Table<number> = {
  cifar10: { 100: 0.5, 50: 0.2, 10: 0.2 },
  cifar100: { 100: 0.2, 50: 0.1, 10: 0.1 },
};
// ALGORITHMS.md E3: the SAMN reference code's ε for SLAS + SAMN, the same for every IF.
const samnReferenceSmoothingTable: Readonly<Record<CifarDataset, SmoothingPair>> = {
  cifar10: { head: 0.3, tail: 0.1 },
  cifar100: { head: 0.01, tail: 0 },
};

function checkDataset(dataset: string): asserts dataset is CifarDataset {
  if (dataset !== 'cifar10' && dataset !== 'cifar100') {
    throw new LtError('SLAS_INPUT', `no reference SLAS values for dataset '${dataset}': the tables cover 'cifar10' and 'cifar100'`);
  }
}

function checkImbalance(imbalance: number): asserts imbalance is CifarImbalance {
  if (imbalance !== 10 && imbalance !== 50 && imbalance !== 100) {
    throw new LtError('SLAS_INPUT', `no reference SLAS values for imbalance factor ${imbalance}: the tables cover 10, 50 and 100`);
  }
}

/** MiSLAS's ε_head/ε_tail for a CIFAR-LT setting (ALGORITHMS.md E1); also the SAMN code's SLAS baseline values. */
export function mislasSmoothing(dataset: CifarDataset, imbalance: CifarImbalance): SmoothingPair {
  checkDataset(dataset);
  checkImbalance(imbalance);
  return { ...mislasSmoothingTable[dataset][imbalance] };
}

/** MiSLAS's classifier learning-rate factor (`lr_factor`) for a CIFAR-LT setting (ALGORITHMS.md E1). */
export function mislasLrFactor(dataset: CifarDataset, imbalance: CifarImbalance): number {
  checkDataset(dataset);
  checkImbalance(imbalance);
  return mislasLrFactorTable[dataset][imbalance];
}

/** Whether MiSLAS uses shift learning (`shift_bn`) on a dataset: CIFAR-100 yes, CIFAR-10 no (ALGORITHMS.md E1). */
export function mislasShiftLearning(dataset: CifarDataset): boolean {
  checkDataset(dataset);
  return dataset === 'cifar100';
}

/** The SAMN reference code's ε_head/ε_tail for SLAS + SAMN (ALGORITHMS.md E3; the same for every IF). */
export function samnReferenceSmoothing(dataset: CifarDataset): SmoothingPair {
  checkDataset(dataset);
  return { ...samnReferenceSmoothingTable[dataset] };
}

/** The full `slas()` options of a preset on a CIFAR-LT setting: the preset with that setting's table values. */
export function slasRecipe(preset: SlasPresetName, dataset: CifarDataset, imbalance: CifarImbalance): SlasOptionsInput {
  checkDataset(dataset);
  checkImbalance(imbalance);
  const base = { ...slasPresets[preset], preset };
  switch (preset) {
    case 'samn-reference':
      return { ...base, ...samnReferenceSmoothing(dataset) };
    case 'samn-reference-baseline':
      return { ...base, ...mislasSmoothing(dataset, imbalance) };
    case 'mislas':
      return {
        ...base,
        ...mislasSmoothing(dataset, imbalance),
        classifierLrFactor: mislasLrFactor(dataset, imbalance),
        shiftLearning: mislasShiftLearning(dataset),
      };
    default:
      throw new LtError('SLAS_INPUT', `unknown SLAS preset '${String(preset)}'`);
  }
}

/** Stage settings (everything but `name` and `plugins`) a recipe needs; a plugin cannot set these itself. */
export type SlasStageSettings = Readonly<Omit<StageConfig, 'name' | 'plugins'>>;

/**
 * The reference stage settings of each preset, CIFAR-LT (ALGORITHMS.md C, E1, E3, F6). Stage 1 (`representation`)
 * plugins: `[ce()]` for the SAMN-reference presets (the SAMN code reuses its plain-CE checkpoint), `[mixup(),
 * mislasSchedule()]` for `mislas`. Stage 2 (`classifier`) plugins: `[slas(recipe)]`, plus `samn()` for SLAS + SAMN.
 */
export const slasStageSettings: Readonly<Record<SlasPresetName, { readonly representation: SlasStageSettings; readonly classifier: SlasStageSettings }>> =
  Object.freeze({
    'samn-reference': Object.freeze({
      representation: Object.freeze({ epochs: 200, batchSize: 64, lr: 0.01, weightDecay: 5e-3, momentum: 0.9 }),
      // lr 5e-4 is hard-coded in the SAMN code for every dataset; the seed paper says 1e-5 on CIFAR-10 (J.1).
      classifier: Object.freeze({ epochs: 20, batchSize: 64, lr: 5e-4, weightDecay: 0, momentum: 0.9, freeze: 'backbone' as const }),
    }),
    'samn-reference-baseline': Object.freeze({
      representation: Object.freeze({ epochs: 200, batchSize: 64, lr: 0.01, weightDecay: 5e-3, momentum: 0.9 }),
      classifier: Object.freeze({ epochs: 20, batchSize: 64, lr: 5e-4, weightDecay: 0, momentum: 0.9, freeze: 'backbone' as const }),
    }),
    mislas: Object.freeze({
      representation: Object.freeze({ epochs: 200, batchSize: 128, lr: 0.1, weightDecay: 2e-4, momentum: 0.9 }),
      classifier: Object.freeze({ epochs: 10, batchSize: 128, lr: 0.1, weightDecay: 2e-4, momentum: 0.9, freeze: 'backbone' as const }),
    }),
  });
