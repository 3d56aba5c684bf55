import { z } from 'zod';
import { defineOptions } from '@lt/core';

/** How many samples a class-aware epoch draws. */
const epochLength = z.enum(['max-class', 'dataset']);

/** The options of `crt()`; defaults are the reference's `cls_crt.yaml` (ALGORITHMS.md L). */
export const crtOptionsSchema = z.strictObject({
  /** Re-initialise the classifier as a fresh `nn.Linear` (U(±1/√D) weight and bias) at stage start (reference). */
  reinitialize: z.boolean().default(true),
  /** Samples per class visit of the class-aware sampler (reference `num_samples_cls`: 4). */
  samplesPerClass: z.number().int().positive().default(4),
  /** `max-class`: max_k n_k · C samples per epoch (reference ClassAwareSampler); `dataset`: ⌈N/B⌉+1 batches (MiSLAS). */
  epochLength: epochLength.default('max-class'),
});
/** Validated cRT options. */
export type CrtOptionsT = z.output<typeof crtOptionsSchema>;
/** DI token of the cRT options. */
export const CrtOptions = defineOptions<CrtOptionsT>('@lt/decoupling/crt', crtOptionsSchema);

/** The default τ grid: 0, 0.1, …, 2.0 (what the reference's tau_norm.py prints). */
export const defaultTauGrid: readonly number[] = Array.from({ length: 21 }, (_, i) => i / 10);

/** The options of `tauNorm()`. */
export const tauNormOptionsSchema = z.strictObject({
  /** A fixed τ (no search). Unset: τ is searched over `grid`. */
  tau: z.number().min(0).optional(),
  /** τ values to try when `tau` is unset. */
  grid: z.array(z.number().min(0)).min(1).default([...defaultTauGrid]),
  /** Where τ is selected: `train-split` (default) or `test` (as the reference does; the log and head config say so). */
  searchOn: z.enum(['train-split', 'test']).default('train-split'),
  /** Fraction of each class's training samples scored by a `train-split` search. */
  searchFraction: z.number().gt(0).max(1).default(0.2),
});
/** Validated τ-norm options. */
export type TauNormOptionsT = z.output<typeof tauNormOptionsSchema>;
/** DI token of the τ-norm options. */
export const TauNormOptions = defineOptions<TauNormOptionsT>('@lt/decoupling/tau-norm', tauNormOptionsSchema);

/** The options of `lws()`; defaults are the reference's `cls_lws.yaml` (ALGORITHMS.md L). */
export const lwsOptionsSchema = z.strictObject({
  /** Also train the kept classifier's weight and bias (the reference trains only the scales). */
  trainClassifier: z.boolean().default(false),
  /** Samples per class visit of the class-aware sampler. */
  samplesPerClass: z.number().int().positive().default(4),
  /** Epoch length of the class-aware sampler (see `crt`). */
  epochLength: epochLength.default('max-class'),
});
/** Validated LWS options. */
export type LwsOptionsT = z.output<typeof lwsOptionsSchema>;
/** DI token of the LWS options. */
export const LwsOptions = defineOptions<LwsOptionsT>('@lt/decoupling/lws', lwsOptionsSchema);
