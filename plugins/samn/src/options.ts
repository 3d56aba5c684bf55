import { z } from 'zod';
import { defineOptions } from '@lt/core';
import { defaultMaxScaling } from './samnLogits.js';

/** The options of `samn()`; defaults are the reference code's (ALGORITHMS.md F3–F4). */
export const samnOptionsSchema = z.strictObject({
  /** `exp`: magnitude e^s (reference); `mul`: max(s, 1e-6). */
  scaleMode: z.enum(['exp', 'mul']).default('exp'),
  /** Start of raw_w and raw_b: `freq` (normalised class metric + 1e-6, reference) or `zeros`. */
  init: z.enum(['freq', 'zeros']).default('freq'),
  /** Add 1e-4·rank after PAVA (strictly increasing temperatures); off in the reference. */
  strict: z.boolean().default(false),
  /** Add the monotone bias offset exp(s^b) (reference code); false = the paper's description (b̃ = b). */
  biasBranch: z.boolean().default(true),
  /** Per-class ordering metric replacing the class counts (smaller = rarer = larger norm), one value per class. */
  order: z.array(z.number()).min(1).optional(),
  /** Overflow guard: cap on s before exp (exp mode). */
  maxScaling: z.number().positive().max(88).default(defaultMaxScaling),
});

/** Validated SAMN options (defaults filled). */
export type SamnOptionsT = z.output<typeof samnOptionsSchema>;

/** What `samn()` accepts: every field optional; `order` may be any array-like of numbers (e.g. a Float64Array). */
export type SamnOptionsInput = Omit<z.input<typeof samnOptionsSchema>, 'order'> & { order?: ArrayLike<number> };

/** DI token of the validated SAMN options. */
export const SamnOptions = defineOptions<SamnOptionsT>('@lt/samn', samnOptionsSchema);
