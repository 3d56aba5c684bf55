import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@lt/core';

/**
 * Kaiming-normal initial values, std √(2 / fan): fan-in for PyTorch's `kaiming_normal_` defaults (ALGORITHMS.md
 * B1), fan-out for the ImageNet ResNets (B2). Seeded from `rng` so the same stream always gives the same tensor.
 */
export function kaimingNormal(shape: number[], fan: number, rng: Rng): tf.Tensor {
  return tf.randomNormal(shape, 0, Math.sqrt(2 / fan), 'float32', rng.uint32());
}

/** PyTorch's default Linear bias: uniform in ±1/√fanIn (ALGORITHMS.md B1). */
export function linearBiasUniform(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.randomUniform(shape, -bound, bound, 'float32', rng.uint32());
}
