import { z } from 'zod';
import { defineOptions } from '@lt/core';

/**
 * The options of `glmc()`. Defaults are the reference code's command-line defaults ([G] `main.py`); the
 * per-dataset values of the paper's runs are in `glmcPreset` (ALGORITHMS.md D table).
 */
export const glmcOptionsSchema = z.strictObject({
  /** ρ of the re-weighted sampler: class k is drawn ∝ n_k^(1−ρ) (0: instance-balanced with replacement). */
  resampleWeighting: z.number().default(0.2),
  /** γ of the label weights w_k ∝ n_k^(−γ) that re-balance fc_cb's targets. */
  labelWeighting: z.number().default(1.0),
  /** κ, the weight of the mixture-consistency loss. */
  contrastWeight: z.number().nonnegative().default(10),
  /** λ ~ Beta(beta, beta). 1 (uniform) is what [G] and [S] actually mix with: their `--beta 0.5` is never used. */
  beta: z.number().positive().default(1),
  /** Width P of the projection head D→P and the prediction head P→P (128 for CIFAR ResNets, 256 for ResNeXt-50). */
  projectionDim: z.number().int().positive().default(128),
});

/** Validated GLMC options (defaults filled). */
export type GlmcOptionsT = z.output<typeof glmcOptionsSchema>;

/** What `glmc()` accepts: every field optional. */
export type GlmcOptionsInput = z.input<typeof glmcOptionsSchema>;

/** DI token of the validated GLMC options. */
export const GlmcOptions = defineOptions<GlmcOptionsT>('@lt/glmc', glmcOptionsSchema);
