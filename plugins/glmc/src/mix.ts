import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '@lt/core';
import { pasteBox, type CutMixBox } from './cutMix.js';

/** The two mixed batches of a GLMC step and their soft targets (ALGORITHMS.md D4–D6). */
export type GlmcMixed = {
  /** Global MixUp of view 1: λ·A₁ + (1−λ)·R₁, [B, H, W, C]. */
  readonly mixup: tf.Tensor4D;
  /** Local CutMix of view 2: A₂ with R₂'s pixels inside the box, [B, H, W, C]. */
  readonly cutmix: tf.Tensor4D;
  /** y = λ·onehot(y_A) + (1−λ)·onehot(y_R), [B, C]: the target of both mixed batches (the label mix uses λ). */
  readonly targets: tf.Tensor2D;
  /** y^w = λ·w_{y_A}·onehot(y_A) + (1−λ)·w_{y_R}·onehot(y_R), [B, C], not renormalised. */
  readonly weightedTargets: tf.Tensor2D;
};

/** Inputs of `glmcMix`: two views of the instance-balanced batch A and of the re-weighted batch R. */
export interface GlmcMixInput {
  readonly a1: tf.Tensor4D;
  readonly a2: tf.Tensor4D;
  readonly r1: tf.Tensor4D;
  readonly r2: tf.Tensor4D;
  readonly labelsA: ArrayLike<number>;
  readonly labelsR: ArrayLike<number>;
  /** Mixing ratio λ ∈ [0, 1] (the weight of batch A). */
  readonly lambda: number;
  readonly box: CutMixBox;
  /** Per-class label weights w (see `labelWeights`). */
  readonly labelWeights: ArrayLike<number>;
}

/** Returns GLMC's global-MixUp and local-CutMix batches with their plain and re-weighted soft targets. */
export function glmcMix(input: GlmcMixInput): GlmcMixed {
  const { a1, a2, r1, r2, labelsA, labelsR, lambda, box, labelWeights } = input;
  const size = a1.shape[0];
  for (const [name, tensor] of [
    ['a2', a2],
    ['r1', r1],
    ['r2', r2],
  ] as const) {
    if (tensor.shape.join('x') !== a1.shape.join('x')) {
      throw new LtError('GLMC_INPUT', `glmcMix: ${name} has shape [${tensor.shape}], a1 has [${a1.shape}]; the four views must match`);
    }
  }
  if (labelsA.length !== size || labelsR.length !== size) {
    throw new LtError('GLMC_INPUT', `glmcMix: ${labelsA.length} labels for A and ${labelsR.length} for R, but the batches hold ${size} images`);
  }
  if (!(lambda >= 0 && lambda <= 1)) throw new LtError('GLMC_INPUT', `glmcMix: lambda must lie in [0, 1], got ${lambda}`);
  const numClasses = labelWeights.length;
  const targets = new Float32Array(size * numClasses);
  const weighted = new Float32Array(size * numClasses);
  for (let i = 0; i < size; i++) {
    const a = labelsA[i];
    const r = labelsR[i];
    if (!(Number.isInteger(a) && a >= 0 && a < numClasses && Number.isInteger(r) && r >= 0 && r < numClasses)) {
      throw new LtError('GLMC_INPUT', `glmcMix: labels of pair ${i} are ${a} and ${r}; expected class indices below ${numClasses}`);
    }
    // Accumulate: when both images share a class the two shares add up, as the one-hot sums do in [G].
    targets[i * numClasses + a] += lambda;
    targets[i * numClasses + r] += 1 - lambda;
    weighted[i * numClasses + a] += lambda * labelWeights[a];
    weighted[i * numClasses + r] += (1 - lambda) * labelWeights[r];
  }
  return tf.tidy(() => ({
    mixup: tf.add(tf.mul(a1, lambda), tf.mul(r1, 1 - lambda)) as tf.Tensor4D,
    cutmix: pasteBox(a2, r2, box),
    targets: tf.tensor2d(targets, [size, numClasses]),
    weightedTargets: tf.tensor2d(weighted, [size, numClasses]),
  }));
}
