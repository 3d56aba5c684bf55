// Times one training configuration in its own process (so peak RSS is this configuration's alone) and prints
// one JSON line: { name, backend, threads, imagesPerSecond, medianStepMs, peakRssMB, steps }.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend, Sgd, softmaxCrossEntropy, type BackendChoice, type ModelParts } from '@lt/core';
import { cnn, linearHead, resnetCifar } from '@lt/models';
import { glmcStepWorkload } from '@lt/glmc';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    // wasm threads: `auto` (default, every core) or a count; LT_WASM_THREADS overrides it.
    threads: { type: 'string', default: 'auto' },
  },
});

interface Workload {
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
        const { value, grads } = tf.variableGrads(
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
        const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(head.apply(features), y), head.parameters().map((p) => p.variable));
        sgd.step(grads, 0.01);
        return value;
      }),
  };
}

const workloads: Record<string, () => Workload> = {
  'resnet32-train-b64': () =>
    modelWorkload(resnetCifar({ depth: 32, width: 'standard' }).build({ info: info([32, 32, 3], 10), rng: createRng(0) }), [32, 32, 3], 64, 10),
  'cnn-train-b128': () => modelWorkload(cnn().build({ info: info([28, 28, 1], 10), rng: createRng(0) }), [28, 28, 1], 128, 10),
  'linear-train-b512': () => linearWorkload(512),
  // GLMC's step on the same ResNet-32: two mixed batches, four heads (issue: step cost relative to CE).
  'resnet32-glmc-train-b64': () =>
    glmcStepWorkload({ model: resnetCifar({ depth: 32, width: 'standard' }), imageShape: [32, 32, 3], numClasses: 10, batchSize: 64 }),
};

function info(imageShape: [number, number, number], numClasses: number) {
  return { name: 'bench', numClasses, imageShape, flipPreservesLabel: true } as const;
}

const name = values.name ?? '';
const make = workloads[name];
if (make === undefined) throw new Error(`unknown workload '${name}' (known: ${Object.keys(workloads).join(', ')})`);
const backend = await selectBackend(values.backend as BackendChoice, {
  threads: values.threads === 'auto' ? 'auto' : Number(values.threads),
});
const workload = make();
const times: number[] = [];
const steps = Number(values.steps);
for (let i = 0; i < Number(values.warmup) + steps; i++) {
  const start = performance.now();
  const loss = workload.step();
  await loss.data();
  loss.dispose();
  if (i >= Number(values.warmup)) times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  JSON.stringify({
    name,
    backend: backend.name,
    threads: backend.threads,
    ...(backend.threadsFallback === undefined ? {} : { threadsFallback: backend.threadsFallback }),
    imagesPerSecond: (workload.batch * 1000) / median,
    medianStepMs: median,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    steps,
  }),
);
