// Times a CIFAR-10-LT-shaped epoch of ResNet-32 end to end (batching, augmentation, steps, evaluation on the test
// split) against the sum of its steps alone, in one process. Synthetic data in memory (no download), with
// CIFAR-10-LT's train/test proportions (imbalance 100; test = 0.8 × train), scaled down to fit the bench. The
// second epoch is measured (the first warms up). Prints one JSON line.
import { createRun } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { resnetCifar } from '@lt/models';
import { ce } from '@lt/ce';

const batchSize = 64;
// syntheticLT's testPerClass × classes.
const testImages = 10 * 50;
const run = createRun({
  dataset: syntheticLT({ numClasses: 10, imbalance: 100, maxCount: 250, imageShape: [32, 32, 3], testPerClass: 50 }),
  model: resnetCifar({ depth: 32, width: 'standard' }),
  backend: 'wasm',
  evaluation: { everyEpoch: true },
  stages: [{ name: 'representation', epochs: 2, batchSize, lr: 0.05, weightDecay: 5e-3, augment: true, plugins: [ce()] }],
});
let threads = 1;
let trainImages = 0;
let epochStarted = 0;
let stepSeconds = 0;
const epochs: Array<{ wall: number; steps: number; train: number }> = [];
await run.start({
  onProgress: (e) => {
    const now = performance.now() / 1000;
    if (e.type === 'run-start') {
      threads = e.manifest.backend.threads;
      trainImages = e.manifest.classCounts.reduce((a, b) => a + b, 0);
    }
    if (e.type === 'stage-start') epochStarted = now;
    if (e.type === 'step') {
      // The engine times each step alone (forward, backward, update): its images/s over that step's batch.
      const images = e.step === e.steps - 1 ? trainImages - batchSize * (e.steps - 1) : batchSize;
      stepSeconds += images / e.imagesPerSecond;
    }
    if (e.type === 'epoch-end') {
      epochs.push({ wall: now - epochStarted, steps: stepSeconds, train: e.record.seconds });
      epochStarted = now;
      stepSeconds = 0;
    }
  },
});
const last = epochs[epochs.length - 1];
const evalSeconds = last.wall - last.train;
console.log(
  JSON.stringify({
    name: 'cifar10lt-epoch-e2e',
    backend: 'wasm',
    threads,
    imagesPerSecond: trainImages / last.wall,
    epochSeconds: last.wall,
    stepsSeconds: last.steps,
    epochOverSteps: last.wall / last.steps,
    // Without the evaluation: what batching, augmentation and bookkeeping add to the steps.
    trainOverSteps: last.train / last.steps,
    evalSeconds,
    trainImagesPerSecond: trainImages / last.steps,
    evalImagesPerSecond: testImages / evalSeconds,
    trainImages,
    testImages,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
run.dispose();
