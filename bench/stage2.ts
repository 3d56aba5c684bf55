// Times a stage-2 epoch of ResNet-32 on CIFAR-sized data and prints one JSON line. `--cache on|off`: frozen
// backbone with BatchNorm frozen and no augmentation, with the feature cache or recomputing the backbone every batch.
// `--reference`: the reference code's stage 2 (frozen backbone, BatchNorm recalibrating on batch statistics,
// augmentation), where no cache can apply.
import { parseArgs } from 'node:util';
import { createRun, type BackendChoice } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { resnetCifar } from '@lt/models';
import { ce } from '@lt/ce';

const { values } = parseArgs({
  options: { cache: { type: 'string', default: 'on' }, backend: { type: 'string', default: 'wasm' }, reference: { type: 'boolean', default: false } },
});
const reference = values.reference === true;
const featureCache = !reference && values.cache === 'on';
const stageMode = reference
  ? ({ batchNorm: 'recalibrate', augment: true } as const)
  : ({ batchNorm: 'frozen', augment: false } as const);
const run = createRun({
  dataset: syntheticLT({ numClasses: 10, imbalance: 100, maxCount: 500, imageShape: [32, 32, 3], testPerClass: 10 }),
  model: resnetCifar({ depth: 32, width: 'standard' }),
  backend: values.backend as BackendChoice,
  evaluation: { everyEpoch: false },
  stages: [
    { name: 'classifier', epochs: 3, batchSize: 64, lr: 5e-4, weightDecay: 0, freeze: 'backbone', ...stageMode, featureCache, plugins: [ce()] },
  ],
});
const epochSeconds: number[] = [];
let threads = 1;
let backend = '';
let images = 0;
const started = performance.now();
let stageStarted = 0;
await run.start({
  onProgress: (e) => {
    if (e.type === 'run-start') {
      threads = e.manifest.backend.threads;
      backend = e.manifest.backend.name;
      images = e.manifest.classCounts.reduce((a, b) => a + b, 0);
    }
    if (e.type === 'stage-start') stageStarted = performance.now();
    if (e.type === 'epoch-end') epochSeconds.push(e.record.seconds);
  },
});
epochSeconds.sort((a, b) => a - b);
const median = epochSeconds[Math.floor(epochSeconds.length / 2)];
console.log(
  JSON.stringify({
    name: `stage2-epoch-${reference ? 'reference' : featureCache ? 'cache' : 'recompute'}`,
    backend,
    threads,
    imagesPerSecond: images / median,
    epochSeconds: median,
    // Everything before the first epoch: data, model, and (with the cache) one forward pass over the split.
    setupSeconds: (stageStarted - started) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
run.dispose();
