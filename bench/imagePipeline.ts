// One image-pipeline workload in its own process: decode + RandomResizedCrop + flip + normalise of JPEGs through
// an image-folder dataset, batches prefetched two ahead as the engine does; median of 3 epochs. Prints one JSON line:
// { name, backend, threads, imagesPerSecond, epochSeconds, setupSeconds, peakRssMB }.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng, selectBackend } from '@lt/core';
import { imageFolder } from '@lt/data';
import { writeClassImage } from '../packages/data/src/imageFiles.fixture.js';

const { values } = parseArgs({ options: { size: { type: 'string' }, workers: { type: 'string' }, cache: { type: 'string' } } });
const imageSize = Number(values.size ?? 224);
const workers = values.workers === 'all' ? availableParallelism() : Number(values.workers ?? 1);
const cached = values.cache === 'on';
const CLASSES = 4;
const PER_CLASS = 64;
const BATCH = 32;

await selectBackend('cpu');
const dir = mkdtempSync(join(tmpdir(), 'lt-bench-images-'));
try {
  // ImageNet-sized files: 500 × 375 JPEGs (quality 90) of stripes with noise.
  for (let k = 0; k < CLASSES; k++) {
    mkdirSync(join(dir, 'train', `c${k}`), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) await writeClassImage(join(dir, 'train', `c${k}`, `${i}.jpg`), k, i, { width: 500, height: 375 });
  }
  const setupStarted = performance.now();
  const dataset = await imageFolder({ root: join(dir, 'train'), imageSize, workers, testFraction: 0.1, ...(cached && { cache: join(dir, 'cache') }) }).load({ rng: createRng(0), seed: 0 });
  if (cached) {
    // Time a second load, as every run after the first sees it: the cache is reused, not rebuilt.
    await dataset.close!();
  }
  const data = cached ? await imageFolder({ root: join(dir, 'train'), imageSize, workers, testFraction: 0.1, cache: join(dir, 'cache') }).load({ rng: createRng(0), seed: 0 }) : dataset;
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const count = data.trainLabels.length;
  const batches: number[][] = [];
  for (let start = 0; start + BATCH <= count; start += BATCH) batches.push(Array.from({ length: BATCH }, (_, i) => start + i));
  const options = (b: number) => ({ augment: true, rng: createRng(b) });
  const epoch = () => {
    batches.slice(0, 2).forEach((b, i) => data.prefetchTrainBatch!(b, options(i)));
    batches.forEach((b, i) => {
      if (i + 2 < batches.length) data.prefetchTrainBatch!(batches[i + 2], options(i + 2));
      data.trainBatch(b, options(i)).dispose();
    });
  };
  epoch(); // warm-up: thread start, libvips caches
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    epoch();
    times.push((performance.now() - started) / 1000);
  }
  const epochSeconds = times.sort((a, b) => a - b)[1];
  await data.close!();
  console.log(
    JSON.stringify({
      name: `images-${imageSize}px-${cached ? 'cache' : 'jpeg'}`,
      backend: 'sharp',
      threads: workers,
      imagesPerSecond: (batches.length * BATCH) / epochSeconds,
      epochSeconds,
      setupSeconds,
      peakRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
