import { z } from 'zod';
import { createRng, type DatasetSpec, type Rng } from '@lt/core';
import { longTailedOptionsSchema, parseDatasetOptions } from './datasetOptions.js';
import type { ImageSet } from './imageSet.js';
import { createLongTailedDataset } from './longTailedDataset.js';

/** Options of `syntheticLT`. */
export interface SyntheticLTOptions {
  readonly numClasses?: number;
  readonly imbalance?: number;
  readonly maxCount?: number;
  readonly selection?: 'first' | 'random';
  /** [height, width, channels] (default [8, 8, 1]). */
  readonly imageShape?: readonly [number, number, number];
  readonly testPerClass?: number;
  /** Pixel noise standard deviation around each class's prototype, in 0–255 units (default 48). */
  readonly noise?: number;
  /** Seed of the images themselves (the run seed only drives split selection). */
  readonly dataSeed?: number;
}

const NAME = 'synthetic-lt';

const schema = z.strictObject({
  ...longTailedOptionsSchema(100),
  numClasses: z.number().int().min(2).default(4),
  imageShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]).default([8, 8, 1]),
  testPerClass: z.number().int().positive().default(20),
  noise: z.number().nonnegative().default(48),
  dataSeed: z.number().int().default(0),
});

function generate(rng: Rng, prototypes: Uint8Array[], perClass: number, shape: readonly [number, number, number], noise: number): ImageSet {
  const [height, width, channels] = shape;
  const imageSize = height * width * channels;
  const numClasses = prototypes.length;
  const count = numClasses * perClass;
  const images = new Uint8Array(count * imageSize);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    // Interleave classes so that a class's first images are spread through the file, as in real datasets.
    const label = i % numClasses;
    labels[i] = label;
    for (let p = 0; p < imageSize; p++) {
      images[i * imageSize + p] = Math.max(0, Math.min(255, Math.round(prototypes[label][p] + noise * rng.normal())));
    }
  }
  return { images, labels, count, height, width, channels };
}

/**
 * A small synthetic long-tailed dataset (noisy copies of one random prototype image per class), generated in
 * memory: for smoke tests, examples and plugin test suites that must run in seconds.
 */
export function syntheticLT(options: SyntheticLTOptions = {}): DatasetSpec {
  const parsed = parseDatasetOptions(NAME, schema, options);
  const { numClasses, imageShape, testPerClass, noise, dataSeed } = parsed;
  const [height, width, channels] = imageShape;
  const imageSize = height * width * channels;
  return {
    name: NAME,
    options: parsed,
    async load({ rng, seed }) {
      const images = createRng(dataSeed);
      const prototypes = Array.from({ length: numClasses }, () => Uint8Array.from({ length: imageSize }, () => images.int(256)));
      const train = generate(images.fork('train'), prototypes, parsed.maxCount, imageShape, noise);
      const test = generate(images.fork('test'), prototypes, testPerClass, imageShape, noise);
      return createLongTailedDataset(
        {
          name: NAME,
          numClasses,
          train,
          test,
          source: `generated (dataSeed ${dataSeed})`,
          flipPreservesLabel: true,
          normalization: { mean: [0.5], std: [0.25] },
          augmentation: { pad: 1, flip: false },
        },
        { imbalance: parsed.imbalance, maxCount: parsed.maxCount, selection: parsed.selection, rng, seed },
      );
    },
  };
}
