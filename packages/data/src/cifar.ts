import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LtError } from '@lt/core';
import { findDataFile, readBinaryFile } from './binaryFile.js';
import { concatImageSets, type ImageSet } from './imageSet.js';

/** `cifar10`: records of 1 label byte + 3072 pixels; `cifar100`: 2 label bytes (coarse, fine) + 3072 pixels. */
export type CifarFormat = 'cifar10' | 'cifar100';

/** The training and test sets of a CIFAR binary distribution. */
export interface CifarSplits {
  readonly train: ImageSet;
  readonly test: ImageSet;
  /** The files read, in order (for the manifest's `source`). */
  readonly files: readonly string[];
  /** Class names from `batches.meta.txt` when the folder has one (as `lt data cifar10` writes), in label order. */
  readonly classNames?: readonly string[];
}

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;

const LAYOUT: Record<CifarFormat, { labelBytes: number; labelRanges: readonly { name: string; classes: number }[] }> = {
  cifar10: { labelBytes: 1, labelRanges: [{ name: 'label', classes: 10 }] },
  cifar100: {
    labelBytes: 2,
    labelRanges: [
      { name: 'coarse label', classes: 20 },
      { name: 'fine label', classes: 100 },
    ],
  },
};

/** Returns the images (converted from CHW planar to NHWC uint8) and labels of one CIFAR binary file; CIFAR-100 uses fine labels. */
export function readCifarBinary(path: string, format: CifarFormat): ImageSet {
  const { labelBytes, labelRanges } = LAYOUT[format];
  const recordSize = labelBytes + PIXELS;
  const bytes = readBinaryFile(path);
  if (bytes.length === 0 || bytes.length % recordSize !== 0) {
    throw new LtError(
      'DATA_SIZE_MISMATCH',
      `${path}: ${bytes.length} bytes is not a positive multiple of the ${format} record size ${recordSize} ` +
        `(${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + 3072 pixels); the file is truncated or not ${format} binary`,
    );
  }
  const count = bytes.length / recordSize;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const record = r * recordSize;
    for (let b = 0; b < labelBytes; b++) {
      const value = bytes[record + b];
      const range = labelRanges[b];
      if (value >= range.classes) {
        throw new LtError(
          'DATA_LABEL_RANGE',
          `${path}: ${range.name} ${value} of record ${r} is out of range, expected 0..${range.classes - 1}`,
        );
      }
    }
    // The last label byte is the one used: the label (CIFAR-10) or the fine label (CIFAR-100).
    labels[r] = bytes[record + labelBytes - 1];
    const source = record + labelBytes;
    const target = r * PIXELS;
    for (let c = 0; c < 3; c++) {
      const plane = source + c * PLANE;
      for (let p = 0; p < PLANE; p++) images[target + p * 3 + c] = bytes[plane + p];
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 };
}

function readSplits(dataDir: string, format: CifarFormat, subdir: string, trainNames: string[], testName: string): CifarSplits {
  // Accept both the directory holding the .bin files and the folder the official archive extracts to.
  const dirs = [dataDir, join(dataDir, subdir)];
  const label = format === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100';
  const trainFiles = trainNames.map((name) => findDataFile(dirs, [name], `${label} ${name}`));
  const testFile = findDataFile(dirs, [testName], `${label} ${testName}`);
  const train = concatImageSets(
    trainFiles.map((file) => readCifarBinary(file, format)),
    `${label} training files`,
  );
  return { train, test: readCifarBinary(testFile, format), files: [...trainFiles, testFile], classNames: readMetaNames(dirname(testFile)) };
}

/** The non-empty lines of `batches.meta.txt` beside the binary files, if it exists. */
function readMetaNames(dir: string): string[] | undefined {
  const path = join(dir, 'batches.meta.txt');
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** Returns CIFAR-10 from its binary distribution in `dataDir` (data_batch_1..5.bin in order, test_batch.bin). */
export function readCifar10(dataDir: string): CifarSplits {
  const trainNames = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  return readSplits(dataDir, 'cifar10', 'cifar-10-batches-bin', trainNames, 'test_batch.bin');
}

/** Returns CIFAR-100 (fine labels) from its binary distribution in `dataDir` (train.bin, test.bin). */
export function readCifar100(dataDir: string): CifarSplits {
  return readSplits(dataDir, 'cifar100', 'cifar-100-binary', ['train.bin'], 'test.bin');
}
