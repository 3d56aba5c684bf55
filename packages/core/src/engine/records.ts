import type { EvalMetrics } from '../metrics/evaluate.js';
import type { DatasetInfo, SplitManifest } from '../types/data.js';
import type { BackendInfo } from '../backend/select.js';
import type { EvaluationOptions } from '../metrics/evaluate.js';

/** One epoch as written to metrics.jsonl. */
export interface EpochRecord {
  readonly stage: string;
  readonly epoch: number;
  readonly lr: number;
  readonly trainLoss: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** Test metrics; absent when evaluation runs only at the end of the stage. */
  readonly test?: {
    readonly top1: number;
    readonly top5: number;
    readonly many: number | null;
    readonly medium: number | null;
    readonly few: number | null;
    readonly perClass: number[];
  };
}

/** The outcome of one stage. */
export interface StageReport {
  readonly name: string;
  /** The headline: metrics after the last epoch. */
  readonly final: EvalMetrics;
  /** The epoch with the best test top-1, selected on the test set as the reference code does: not a headline. */
  readonly best: { readonly epoch: number; readonly top1: number; readonly selectedOn: 'test' };
  readonly history: EpochRecord[];
  /** Per-class L2 norm of the effective classifier weights at the end of the stage (class order). */
  readonly headNorms: number[];
  /** One row per class with its name, for readers of metrics.json. */
  readonly classes: readonly ClassRow[];
  readonly seconds: number;
}

/** A class at the end of a stage: name, training images, final test accuracy, classifier weight norm. */
export interface ClassRow {
  readonly index: number;
  readonly name: string;
  readonly trainCount: number;
  readonly accuracy: number;
  readonly headNorm: number;
}

/** The outcome of a run. */
export interface RunReport {
  readonly manifest: RunManifest;
  readonly stages: StageReport[];
  readonly seconds: number;
}

/** What manifest.json records: enough to reproduce the run. */
export interface RunManifest {
  readonly lt: { readonly version: string };
  readonly createdAt: string;
  readonly seed: number;
  readonly backend: BackendInfo;
  readonly tfjs: string;
  readonly node: string;
  readonly dataset: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  readonly model: { readonly name: string; readonly options: Readonly<Record<string, unknown>> };
  readonly split: SplitManifest;
  /** The dataset's static facts (image shape, classes, normalisation): what a model is rebuilt and exported from. */
  readonly info: DatasetInfo;
  readonly classCounts: readonly number[];
  /** Class names in class order (the dataset's, or the indices as text). */
  readonly classNames: readonly string[];
  readonly stages: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly evaluation: EvaluationOptions & { readonly everyEpoch: boolean };
}

/** Progress events emitted by `Run.start`. */
export type ProgressEvent =
  | { readonly type: 'run-start'; readonly manifest: RunManifest }
  | {
      readonly type: 'stage-start';
      readonly stage: string;
      readonly epochs: number;
      readonly stepsPerEpoch: number;
      readonly startEpoch: number;
      /** Whether this stage trains on precomputed backbone features. */
      readonly featureCache: boolean;
    }
  | {
      readonly type: 'step';
      readonly stage: string;
      readonly epoch: number;
      readonly epochs: number;
      readonly step: number;
      readonly steps: number;
      readonly loss: number;
      readonly lr: number;
      readonly imagesPerSecond: number;
    }
  | { readonly type: 'epoch-end'; readonly epochs: number; readonly record: EpochRecord }
  | { readonly type: 'stage-end'; readonly report: StageReport }
  | { readonly type: 'stage-skipped'; readonly stage: string; readonly reason: string };
