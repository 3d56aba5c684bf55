// The training steps the benchmarks time: one function per workload, each on fixed random data.
import * as tf from '@tensorflow/tfjs-core';
import { createRng, InferenceCache, Sgd, softmaxCrossEntropy, variableGrads, type ModelParts, type ModelSpec } from '@lt/core';
import { cnn, linearHead, resnet50, resnetCifar, resnext50 } from '@lt/models';
import { glmcStepWorkload } from '@lt/glmc';

/** One benchmarked training step and its batch size. */
export interface Workload {
  batch: number;
  /** One training step; returns the loss tensor. */
  step(): tf.Scalar;
}

function modelWorkload(parts: ModelParts, shape: [number, number, number], batch: number, classes: number): Workload {
  const params = [parts.backbone, parts.head].flatMap((m) => m.parameters());
  const sgd = new Sgd(params, { momentum: 0.9, weightDecay: 5e-3 });
  const x = tf.randomNormal([batch, ...shape], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32');
  return {
    batch,
    step: () =>
      tf.tidy(() => {
        const { value, grads } = variableGrads(
          () => softmaxCrossEntropy(parts.head.apply(parts.backbone.apply(x, 'train')), y),
          params.map((p) => p.variable),
        );
        sgd.step(grads, 0.01);
        return value;
      }),
  };
}

function linearWorkload(batch: number): Workload {
  const head = linearHead({ name: 'head', featureDim: 64, numClasses: 100, rng: createRng(0) });
  const sgd = new Sgd(head.parameters(), { momentum: 0.9, weightDecay: 5e-3 });
  const features = tf.randomNormal([batch, 64], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 100), 'int32');
  return {
    batch,
    step: () =>
      tf.tidy(() => {
        const { value, grads } = variableGrads(() => softmaxCrossEntropy(head.apply(features), y), head.parameters().map((p) => p.variable));
        sgd.step(grads, 0.01);
        return value;
      }),
  };
}

/**
 * Evaluation-mode forward passes (BatchNorm on running statistics, no gradients), as the engine evaluates: one batch
 * of a test split, whose weights derived for the forward (folded BatchNorms) the whole split shares (evaluate's
 * InferenceCache), so they are derived in the first step only.
 */
function evalWorkload(parts: ModelParts, shape: [number, number, number], batch: number): Workload {
  const x = tf.randomNormal([batch, ...shape], 0, 1, 'float32', 1) as tf.Tensor4D;
  const split = new InferenceCache();
  return { batch, step: () => split.run(() => tf.tidy(() => tf.sum(parts.head.apply(parts.backbone.apply(x, 'eval'))))) };
}

const resnet32 = () => resnetCifar({ depth: 32, width: 'standard' }).build({ info: info([32, 32, 3], 10), rng: createRng(0) });

/** The named workloads `pnpm bench` runs. */
export const workloads: Record<string, () => Workload> = {
  'resnet32-train-b64': () => modelWorkload(resnet32(), [32, 32, 3], 64, 10),
  // The GPU table (pnpm bench --backend webgpu): the batch sizes a GPU trains and evaluates at, the papers' wide CIFAR
  // net, and ResNet-50 at the papers' 224 px.
  // The same step at batch 8: its dispatches are batch 64's, in a step SwiftShader (a CPU) runs in seconds.
  'resnet32-train-b8': () => modelWorkload(resnet32(), [32, 32, 3], 8, 10),
  'resnet32-train-b512': () => modelWorkload(resnet32(), [32, 32, 3], 512, 10),
  'resnet32-eval-b1000': () => evalWorkload(resnet32(), [32, 32, 3], 1000),
  'resnet32wide-train-b128': () =>
    modelWorkload(resnetCifar({ depth: 32, width: 'wide' }).build({ info: info([32, 32, 3], 10), rng: createRng(0) }), [32, 32, 3], 128, 10),
  'resnet50-train-b32-224': () => imageNetWorkload(resnet50(), 224, 32),
  // The engine's evaluation batch (evaluation.batchSize default).
  'resnet32-eval-b128': () => evalWorkload(resnet32(), [32, 32, 3], 128),
  'cnn-train-b128': () => modelWorkload(cnn().build({ info: info([28, 28, 1], 10), rng: createRng(0) }), [28, 28, 1], 128, 10),
  'linear-train-b512': () => linearWorkload(512),
  // GLMC's step on the same ResNet-32: two mixed batches, four heads (issue: step cost relative to CE).
  'resnet32-glmc-train-b64': () =>
    glmcStepWorkload({ model: resnetCifar({ depth: 32, width: 'standard' }), imageShape: [32, 32, 3], numClasses: 10, batchSize: 64 }),
  // The ImageNet-LT backbones (1,000 classes): batch 8 at 112 px for CPU experiments; at 224 px (the papers')
  // batch 8 overflows the 4 GiB wasm heap, batch 4 fits.
  'resnet50-train-b8-112': () => imageNetWorkload(resnet50(), 112, 8),
  'resnext50-train-b8-112': () => imageNetWorkload(resnext50(), 112, 8),
  'resnext50-train-b4-224': () => imageNetWorkload(resnext50(), 224, 4),
};

function imageNetWorkload(spec: ModelSpec, size: number, batch: number): Workload {
  const shape: [number, number, number] = [size, size, 3];
  return modelWorkload(spec.build({ info: info(shape, 1000), rng: createRng(0) }), shape, batch, 1000);
}

function info(imageShape: [number, number, number], numClasses: number) {
  return { name: 'bench', numClasses, imageShape, flipPreservesLabel: true } as const;
}
