import { z } from 'zod';
import { defineOptions } from '@lt/core';
import { smoothingShapes, type SmoothingShape } from './labelAwareSmoothing.js';

/** The named recipes of `slas({ preset })` (see presets.ts). */
export const slasPresetNames = ['samn-reference', 'samn-reference-baseline', 'mislas'] as const;
/** A preset name of `slas({ preset })`. */
export type SlasPresetName = (typeof slasPresetNames)[number];

/** Which sampler stage 2 uses: the engine's instance-balanced shuffle, or MiSLAS's class-balanced sampler. */
export type SlasSampler = 'instance-balanced' | 'class-balanced';

/**
 * The options of `slas()`. The schema's defaults are the `samn-reference` preset (what the SAMN reference code
 * runs, ALGORITHMS.md E3); `slas({ preset })` fills every field from the named preset first.
 */
export const slasOptionsSchema = z
  .strictObject({
    /** The recipe the other fields started from; recorded in the run manifest. */
    preset: z.enum(slasPresetNames).default('samn-reference'),
    /** ε of the most frequent class. */
    head: z.number().min(0).max(1).default(0.3),
    /** ε of the least frequent class. */
    tail: z.number().min(0).max(1).default(0.1),
    /** How ε moves between them (ALGORITHMS.md E2). */
    shape: z.enum(smoothingShapes as [SmoothingShape, ...SmoothingShape[]]).default('concave'),
    /** Exponent of the `exp` shape (required there only). */
    power: z.number().positive().optional(),
    /**
     * Shift learning: `true` re-estimates BatchNorm running statistics in the frozen backbone ('recalibrate'),
     * `false` keeps them ('eval'); `'stage'` leaves it to the stage's `batchNorm` setting.
     */
    shiftLearning: z.union([z.boolean(), z.literal('stage')]).default('stage'),
    /** Learnable weight scaling: a per-class scale on the logits (MiSLAS). Cannot be combined with samn(). */
    lws: z.boolean().default(false),
    /** Learning-rate factor of the classifier's parameters (MiSLAS `lr_factor`). */
    classifierLrFactor: z.number().positive().default(1),
    /** Learning-rate factor of the LWS scale. */
    lwsLrFactor: z.number().positive().default(1),
    /** Stage-2 sampler: the engine's instance-balanced shuffle, or MiSLAS's class-balanced one. */
    sampler: z.enum(['instance-balanced', 'class-balanced']).default('instance-balanced'),
    /** Consecutive samples per drawn class of the class-balanced sampler (MiSLAS: 4). */
    samplesPerClass: z.number().int().positive().default(4),
  })
  .superRefine((options, context) => {
    if (options.shape === 'exp' && options.power === undefined) {
      context.addIssue({ code: 'custom', path: ['power'], message: "shape 'exp' needs a power (ε_k = ε_t + (ε_h − ε_t)·r_k^power)" });
    }
    if (options.shape !== 'exp' && options.power !== undefined) {
      context.addIssue({ code: 'custom', path: ['power'], message: `power is only used by shape 'exp', not '${options.shape}'` });
    }
  });

/** Validated SLAS options (defaults filled). */
export type SlasOptionsT = z.output<typeof slasOptionsSchema>;

/** What `slas()` accepts: every field optional. */
export type SlasOptionsInput = z.input<typeof slasOptionsSchema>;

/** A preset: every option but `preset` itself, fully specified. */
export type SlasPreset = Readonly<Omit<SlasOptionsT, 'preset'>>;

/** DI token of the validated SLAS options. */
export const SlasOptions = defineOptions<SlasOptionsT>('@lt/slas', slasOptionsSchema);
