import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '@lt/core';

function checkLogits(fn: string, logits: tf.Tensor): number {
  if (logits.rank !== 2) throw new LtError('SLAS_INPUT', `${fn}: logits must be [B, C], got shape [${logits.shape}]`);
  return logits.shape[1] as number;
}

function epsilonTensor(fn: string, epsilon: ArrayLike<number> | tf.Tensor1D, numClasses: number): tf.Tensor1D {
  if (epsilon instanceof tf.Tensor) {
    if (epsilon.rank !== 1 || epsilon.shape[0] !== numClasses) {
      throw new LtError('SLAS_INPUT', `${fn}: epsilon has shape [${epsilon.shape}] but the logits have ${numClasses} classes; give one ε per class`);
    }
    return tf.cast(epsilon, 'float32');
  }
  if (epsilon.length !== numClasses) {
    throw new LtError('SLAS_INPUT', `${fn}: epsilon has ${epsilon.length} values but the logits have ${numClasses} classes; give one ε per class`);
  }
  for (let k = 0; k < epsilon.length; k++) {
    if (!Number.isFinite(epsilon[k])) throw new LtError('SLAS_INPUT', `${fn}: epsilon[${k}] is ${epsilon[k]}; every ε must be finite`);
  }
  return tf.tensor1d(Float32Array.from(epsilon));
}

function oneHotLabels(labels: tf.Tensor1D | ArrayLike<number>, batchSize: number, numClasses: number): tf.Tensor2D {
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1 || labels.shape[0] !== batchSize) {
      throw new LtError('SLAS_INPUT', `lasLoss: labels have shape [${labels.shape}] but the logits have ${batchSize} rows; give one label per row`);
    }
    return tf.cast(tf.oneHot(tf.cast(labels, 'int32'), numClasses), 'float32') as tf.Tensor2D;
  }
  if (labels.length !== batchSize) {
    throw new LtError('SLAS_INPUT', `lasLoss: ${labels.length} labels but the logits have ${batchSize} rows; give one label per row`);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new LtError('SLAS_INPUT', `lasLoss: labels[${i}] is ${y}; labels must be integers in [0, ${numClasses})`);
    }
  }
  return tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), numClasses), 'float32') as tf.Tensor2D;
}

/**
 * The smoothed targets q = t⊙(1 − ε) + (t·ε)/C of label-aware smoothing for a target distribution t [B, C]:
 * for a one-hot t this is (1 − ε_y)·onehot(y) + ε_y/C (ALGORITHMS.md E2), and it is linear in t.
 */
function smoothedTargets(targets: tf.Tensor2D, epsilon: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  const kept = tf.mul(targets, tf.sub(1, epsilon));
  const spread = tf.div(tf.sum(tf.mul(targets, epsilon), 1, true), numClasses);
  return tf.add(kept, spread) as tf.Tensor2D;
}

function meanSoftCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/**
 * Mean label-aware-smoothed cross-entropy (ALGORITHMS.md E2) as a `tf.Scalar`, differentiable in `logits` [B, C]:
 * ℓ_i = (1 − ε_y)·(−log p_y) + ε_y·(1/C)·Σ_c(−log p_c) with ε_y = epsilon[label_i]; the uniform part includes the
 * true class, as in MiSLAS. `labels`: int32 `tf.Tensor1D` or an array of class indices (arrays are range-checked;
 * a tensor is not read back, so an out-of-range tensor label contributes no likelihood term).
 */
export function lasLoss(logits: tf.Tensor2D, labels: tf.Tensor1D | ArrayLike<number>, epsilon: ArrayLike<number> | tf.Tensor1D): tf.Scalar {
  const numClasses = checkLogits('lasLoss', logits);
  return tf.tidy(() => {
    const eps = epsilonTensor('lasLoss', epsilon, numClasses);
    const targets = oneHotLabels(labels, logits.shape[0], numClasses);
    return meanSoftCrossEntropy(logits, smoothedTargets(targets, eps, numClasses));
  });
}

/**
 * Label-aware smoothing for soft labels `targets` [B, C] (e.g. MixUp's λ·onehot(a) + (1−λ)·onehot(b)): the
 * target-weighted mixture of per-class LAS losses, Σ_k t_k·ℓ(k). It equals `lasLoss` for one-hot targets and
 * λ·lasLoss(a) + (1−λ)·lasLoss(b) for MixUp targets (the loss is linear in the targets).
 */
export function softLasLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, epsilon: ArrayLike<number> | tf.Tensor1D): tf.Scalar {
  const numClasses = checkLogits('softLasLoss', logits);
  if (targets.rank !== 2 || targets.shape[0] !== logits.shape[0] || targets.shape[1] !== numClasses) {
    throw new LtError('SLAS_INPUT', `softLasLoss: targets have shape [${targets.shape}], expected [${logits.shape}] like the logits`);
  }
  return tf.tidy(() => {
    const eps = epsilonTensor('softLasLoss', epsilon, numClasses);
    return meanSoftCrossEntropy(logits, smoothedTargets(tf.cast(targets, 'float32') as tf.Tensor2D, eps, numClasses));
  });
}
