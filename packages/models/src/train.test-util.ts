// Shared by this package's tests (excluded from the published files by the `*.test.*` pattern).
import * as tf from '@tensorflow/tfjs-core';
import type { DatasetInfo, ForwardMode, ModelParts } from '@lt/core';

export function datasetInfo(imageShape: [number, number, number], numClasses: number): DatasetInfo {
  return { name: 'synthetic', numClasses, imageShape, flipPreservesLabel: false };
}

/** Mean softmax cross-entropy of the model on (x, labels). */
export function crossEntropy(parts: ModelParts, x: tf.Tensor4D, labels: tf.Tensor1D, mode: ForwardMode): tf.Scalar {
  return tf.tidy(() => {
    const logits = parts.head.apply(parts.backbone.apply(x, mode));
    const targets = tf.oneHot(labels, parts.head.numClasses);
    return tf.neg(tf.mean<tf.Scalar>(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1)));
  });
}

/** One plain SGD step over the backbone and head parameters; returns the loss before the step. */
export function sgdStep(parts: ModelParts, x: tf.Tensor4D, labels: tf.Tensor1D, learningRate: number): number {
  const variables = [...parts.backbone.parameters(), ...parts.head.parameters()].map((p) => p.variable);
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(parts, x, labels, 'train'), variables);
    for (const v of variables) v.assign(tf.sub(v, tf.mul(grads[v.name], learningRate)));
    return value;
  });
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** Disposes every variable of a model. */
export function disposeParts(parts: ModelParts): void {
  for (const m of [parts.backbone, parts.head, ...Object.values(parts.extras)]) {
    for (const v of [...m.parameters(), ...m.buffers()]) v.variable.dispose();
  }
}

/** A copy of every variable's values, keyed by stable name. */
export function snapshot(parts: ModelParts): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const m of [parts.backbone, parts.head]) {
    for (const v of [...m.parameters(), ...m.buffers()]) out.set(v.name, v.variable.dataSync() as Float32Array);
  }
  return out;
}
