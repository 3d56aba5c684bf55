import { LtError } from '@lt/core';

/** How ε moves from the tail class to the head class (ALGORITHMS.md E2). */
export type SmoothingShape = 'concave' | 'linear' | 'convex' | 'exp';

/** The smoothing shapes, in the order the docs list them. */
export const smoothingShapes: readonly SmoothingShape[] = ['concave', 'linear', 'convex', 'exp'];

/** Options of `labelAwareSmoothing`. */
export interface LabelAwareSmoothingOptions {
  /** ε of the most frequent class (ε_head), in [0, 1]. */
  readonly head: number;
  /** ε of the least frequent class (ε_tail), in [0, 1]. */
  readonly tail: number;
  /** Default `concave` (MiSLAS's default). */
  readonly shape?: SmoothingShape;
  /** Exponent p of the `exp` shape (required there, rejected for the other shapes). */
  readonly power?: number;
}

function checkUnitInterval(field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new LtError('SLAS_INPUT', `labelAwareSmoothing: ${field} is ${String(value)}; give a smoothing factor in [0, 1]`);
  }
}

/**
 * Per-class smoothing factors ε_k of label-aware smoothing (ALGORITHMS.md E2) as a `Float64Array`, one per class:
 * r_k = (n_k − n_min)/(n_max − n_min), ε_k = ε_t + (ε_h − ε_t)·f(r_k) with f = sin(π r/2) (concave), r (linear),
 * 1 + sin(3π/2 + π r/2) (convex) or r^p (exp). When every class has the same count the formula is 0/0; every class
 * is then the most frequent one and gets ε_head (plain label smoothing) — MiSLAS itself would produce NaN.
 */
export function labelAwareSmoothing(classCounts: ArrayLike<number>, options: LabelAwareSmoothingOptions): Float64Array {
  const { head, tail, shape = 'concave', power } = options;
  checkUnitInterval('head', head);
  checkUnitInterval('tail', tail);
  if (!smoothingShapes.includes(shape)) {
    throw new LtError('SLAS_INPUT', `labelAwareSmoothing: shape is '${String(shape)}'; use one of ${smoothingShapes.join(', ')}`);
  }
  if (shape === 'exp') {
    if (typeof power !== 'number' || !Number.isFinite(power) || power <= 0) {
      throw new LtError('SLAS_INPUT', `labelAwareSmoothing: shape 'exp' needs a positive finite power, got ${String(power)}`);
    }
  } else if (power !== undefined) {
    throw new LtError('SLAS_INPUT', `labelAwareSmoothing: power (${power}) is only used by shape 'exp', not '${shape}'; remove it or use shape 'exp'`);
  }
  if (classCounts.length === 0) throw new LtError('SLAS_INPUT', 'labelAwareSmoothing: classCounts is empty; give one count per class');
  let max = -Infinity;
  let min = Infinity;
  for (let k = 0; k < classCounts.length; k++) {
    const n = classCounts[k];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new LtError('SLAS_INPUT', `labelAwareSmoothing: classCounts[${k}] is ${String(n)}; counts must be finite and non-negative`);
    }
    max = Math.max(max, n);
    min = Math.min(min, n);
  }
  const epsilon = new Float64Array(classCounts.length);
  if (max === min) return epsilon.fill(head);
  const span = head - tail;
  for (let k = 0; k < classCounts.length; k++) {
    const r = (classCounts[k] - min) / (max - min);
    switch (shape) {
      case 'concave':
        epsilon[k] = tail + span * Math.sin((Math.PI * r) / 2);
        break;
      case 'linear':
        epsilon[k] = tail + span * r;
        break;
      case 'convex':
        // MiSLAS's form: ε_h + (ε_h − ε_t)·sin(3π/2 + π r/2), which is ε_t at r = 0 and ε_h at r = 1.
        epsilon[k] = head + span * Math.sin((3 * Math.PI) / 2 + (Math.PI * r) / 2);
        break;
      case 'exp':
        epsilon[k] = tail + span * Math.pow(r, power as number);
        break;
    }
  }
  return epsilon;
}
