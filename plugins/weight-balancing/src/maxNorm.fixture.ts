// MaxNorm's reference cases from the official code (test/vectors/baselines.json), for the cpu/wasm and webgpu tests.
import { readReferenceVectors } from '../../../test/support/vectors.js';

/** One reference case: a weight matrix, the relative threshold, and the threshold and projection it gives. */
export interface MaxNormCase {
  shape: [number, number];
  thresh_rel: number;
  threshold: number;
  weight_init: number[];
  weight: number[];
  out: number[];
  projected_rows: number;
}

/** Every MaxNorm reference case. */
export const maxNormCases: MaxNormCase[] = readReferenceVectors<{ max_norm: MaxNormCase[] }>('baselines.json').max_norm;
