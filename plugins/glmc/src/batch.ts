import * as tf from '@tensorflow/tfjs-core';
import { LtError, type Batch, type BatchContext } from '@lt/core';
import { sampleCutMixBox, type CutMixBox } from './cutMix.js';
import { glmcMix, type GlmcMixed } from './mix.js';
import type { ResampledStream } from './resampledStream.js';

/** What a GLMC step carries besides the engine's batch: both mixed batches, their targets and how they were made. */
export interface GlmcStepData extends GlmcMixed {
  /** λ of this step (the weight of batch A). */
  readonly lambda: number;
  readonly box: CutMixBox;
  /** Indices and labels of the re-weighted batch R paired with A. */
  readonly resampledIndices: Int32Array;
  readonly resampledLabels: Int32Array;
}

/** A batch after GLMC's `batch` tap: `x` is the MixUp batch, `targets` its soft labels, `glmc` the rest. */
export interface GlmcBatch extends Batch {
  readonly glmc: GlmcStepData;
}

/** Whether a batch went through GLMC's `batch` tap. */
export function isGlmcBatch(batch: Batch): batch is GlmcBatch {
  return (batch as Partial<GlmcBatch>).glmc !== undefined;
}

/** Returns the GLMC data of a step's batch, or an error saying why it is missing. */
export function glmcStepData(batch: Batch): GlmcStepData {
  if (!isGlmcBatch(batch)) {
    throw new LtError(
      'GLMC_BATCH',
      "@lt/glmc: the step's batch carries no GLMC mix; a batch plugin tapped after glmc() replaced it. Remove that plugin from the GLMC stage",
    );
  }
  return batch.glmc;
}

/** What `mixGlmcBatch` needs besides the batch. */
export interface GlmcBatchSettings {
  readonly stream: ResampledStream;
  readonly labelWeights: ArrayLike<number>;
  readonly beta: number;
}

/**
 * GLMC's batch transform (ALGORITHMS.md A3, D3–D6): the engine's batch holds view 1 of A; this draws view 2 of A,
 * the paired re-weighted batch R and its two views (each `trainBatch` call an independent augmentation with its
 * own fork of the step's rng), λ ~ Beta(β, β) and one CutMix box, and returns the MixUp batch as `x` with the
 * CutMix batch and all targets under `glmc`.
 */
export function mixGlmcBatch(batch: Batch, position: BatchContext, settings: GlmcBatchSettings): GlmcBatch {
  const { stage } = position;
  const { dataset } = stage;
  const size = batch.indices.length;
  const resampledIndices = settings.stream.batch(stage.rng, position.epoch, position.step, size);
  const resampledLabels = Int32Array.from(resampledIndices, (i) => dataset.trainLabels[i]);
  const labelsA = Int32Array.from(batch.indices, (i) => dataset.trainLabels[i]);
  const augment = stage.stage.augment && dataset.augments;
  const view = (indices: Int32Array, ...keys: string[]) => dataset.trainBatch(indices, { augment, rng: position.rng.fork('glmc', ...keys) });
  // Without augmentation a second view would equal the first: reuse it instead of building it again.
  const a2 = augment ? view(batch.indices, 'view2') : batch.x;
  const r1 = view(resampledIndices, 'resampled', 'view1');
  const r2 = augment ? view(resampledIndices, 'resampled', 'view2') : r1;
  const mixRng = position.rng.fork('glmc', 'mix');
  const lambda = mixRng.beta(settings.beta, settings.beta);
  const [, height, width] = batch.x.shape;
  const box = sampleCutMixBox(lambda, height, width, mixRng);
  const mixed = glmcMix({ a1: batch.x, a2, r1, r2, labelsA, labelsR: resampledLabels, lambda, box, labelWeights: settings.labelWeights });
  // The views are spent: free them now rather than at the end of the step (A₁ is the engine's and stays).
  tf.dispose([...new Set([a2, r1, r2])].filter((t) => t !== batch.x));
  return {
    x: mixed.mixup,
    labels: batch.labels,
    indices: batch.indices,
    targets: mixed.targets,
    glmc: { ...mixed, lambda, box, resampledIndices, resampledLabels },
  };
}
