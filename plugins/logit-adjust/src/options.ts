import { z } from 'zod';
import { defineOptions } from '@lt/core';

/** Options of `logitAdjusted()` and `posthocAdjust()`: τ (reference 1). */
export const logitAdjustOptionsSchema = z.strictObject({
  tau: z.number().min(0).default(1),
});
/** Validated logit-adjustment options. */
export type LogitAdjustOptionsT = z.output<typeof logitAdjustOptionsSchema>;
/** DI token of `logitAdjusted()`'s options. */
export const LogitAdjustOptions = defineOptions<LogitAdjustOptionsT>('@lt/logit-adjust/la', logitAdjustOptionsSchema);
/** DI token of `posthocAdjust()`'s options. */
export const PosthocAdjustOptions = defineOptions<LogitAdjustOptionsT>('@lt/logit-adjust/posthoc', logitAdjustOptionsSchema);

/** Options of `ldamDrw()`; defaults are kaidic/LDAM-DRW's CIFAR settings (ALGORITHMS.md L). */
export const ldamDrwOptionsSchema = z.strictObject({
  maxMargin: z.number().positive().default(0.5),
  /** Scale s of the cosine logits. */
  scale: z.number().positive().default(30),
  /** Replace the head with the cosine (NormedLinear) head, as the reference does; false keeps the linear head. */
  cosineHead: z.boolean().default(true),
  /** `drw`: class-balanced weights from the deferral epoch on (reference); `none`: plain LDAM; `always`: from epoch 0. */
  reweight: z.enum(['drw', 'none', 'always']).default('drw'),
  /** β of the class-balanced weights. */
  beta: z.number().min(0).lt(1).default(0.9999),
  /** Deferral epoch (0-based); unset: ⌊deferFraction · epochs⌋ (160 of 200). */
  deferEpoch: z.number().int().nonnegative().optional(),
  deferFraction: z.number().min(0).max(1).default(0.8),
  /** `reference`: warm-up over the stage's warmupEpochs, lr ×0.01 from the deferral epoch, ×1e-4 from ⌊0.9·epochs⌋; `stage`: the stage's schedule. */
  schedule: z.enum(['reference', 'stage']).default('reference'),
});
/** Validated LDAM-DRW options. */
export type LdamDrwOptionsT = z.output<typeof ldamDrwOptionsSchema>;
/** DI token of `ldamDrw()`'s options. */
export const LdamDrwOptions = defineOptions<LdamDrwOptionsT>('@lt/logit-adjust/ldam-drw', ldamDrwOptionsSchema);
