import * as tf from '@tensorflow/tfjs-core';
import { LtError } from './errors.js';
import type { ClassifierHead, DenseFold } from './types/model.js';

/**
 * The dense layer a wrapped head computes: its own `foldToDense()` when it has one, else a copy of its weight
 * and bias when it is a plain linear head. Wrappers fold their rescaling on top of this.
 */
export function denseOf(head: ClassifierHead): DenseFold {
  if (head.foldToDense) return head.foldToDense();
  if (head.config.kind === 'linear') return { weight: tf.clone(head.weight), bias: tf.clone(head.bias) };
  throw new LtError(
    'HEAD_NOT_LINEAR',
    `head '${head.name}' (kind '${String(head.config.kind)}') has no foldToDense(), so it cannot be folded into one dense layer: ` +
      `export the model without folding, or use a linear head`,
  );
}
