import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@lt/core';
import { cifar100LT, cifar10LT } from './cifarLT.js';
import { classHistogram } from './imageSet.js';

const dir = mkdtempSync(join(tmpdir(), 'lt-cifarlt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Records with the given label bytes (1 for CIFAR-10, 2 for CIFAR-100), pixel bytes = record index. */
function records(labelBytes: number[][]): Uint8Array {
  const size = labelBytes[0].length + 3072;
  const out = new Uint8Array(labelBytes.length * size);
  labelBytes.forEach((labels, r) => {
    out.set(labels, r * size);
    out.fill(r % 256, r * size + labels.length, (r + 1) * size);
  });
  return out;
}

/** A CIFAR-10 binary directory with `perBatch` images of each class in each of the 5 training batches. */
function writeCifar10(name: string, perBatch: number): string {
  const path = join(dir, name, 'cifar-10-batches-bin');
  mkdirSync(path, { recursive: true });
  for (let b = 1; b <= 5; b++) {
    writeFileSync(join(path, `data_batch_${b}.bin`), records(Array.from({ length: 10 * perBatch }, (_, i) => [i % 10])));
  }
  writeFileSync(join(path, 'test_batch.bin'), records(Array.from({ length: 20 }, (_, i) => [i % 10])));
  return join(dir, name);
}

describe('cifar10LT', () => {
  it('cuts the long-tailed split from the five training batches in file order', async () => {
    const dataDir = writeCifar10('c10', 2);
    const dataset = await cifar10LT({ dataDir, imbalance: 10, maxCount: 10 }).load({ rng: createRng(0), seed: 0 });
    expect(dataset.classCounts).toEqual([10, 7, 5, 4, 3, 2, 2, 1, 1, 1]);
    expect(classHistogram(dataset.trainLabels)).toEqual(dataset.classCounts);
    expect(dataset.info).toMatchObject({ name: 'cifar10-lt', numClasses: 10, imageShape: [32, 32, 3], flipPreservesLabel: true });
    expect(dataset.info.classNames?.[0]).toBe('airplane');
    expect(dataset.manifest).toMatchObject({ dataset: 'cifar10-lt', imbalanceFactor: 10, selection: 'first', testCount: 20 });
    expect(dataset.manifest.source).toContain('data_batch_1.bin');
    expect(dataset.augments).toBe(true);
    const batch = dataset.trainBatch([0, 1], { augment: true, rng: createRng(1) });
    const test = dataset.testBatch(0, 20);
    expect(batch.shape).toEqual([2, 32, 32, 3]);
    expect(test.shape).toEqual([20, 32, 32, 3]);
    // Test images are only normalised: record 0 is all zero bytes → −mean/std in every channel.
    const first = test.dataSync().subarray(0, 3);
    expect(first[0]).toBeCloseTo(-0.4914 / 0.2023, 5);
    expect(first[2]).toBeCloseTo(-0.4465 / 0.201, 5);
    tf.dispose([batch, test]);
  });

  it('has the reference defaults and requires dataDir', () => {
    expect(cifar10LT({ dataDir: '/x' }).options).toEqual({ dataDir: '/x', imbalance: 100, maxCount: 5000, selection: 'first' });
    expect(() => cifar10LT({} as never)).toThrow(/cifar10-lt: dataDir/);
  });

  it('names the class that cannot provide maxCount images', async () => {
    const dataDir = writeCifar10('c10-small', 1);
    await expect(cifar10LT({ dataDir, imbalance: 1, maxCount: 6 }).load({ rng: createRng(0), seed: 0 })).rejects.toThrow(
      /class 0 \(airplane\) has 5 training images but maxCount 6.*use maxCount ≤ 5/,
    );
  });
});

describe('cifar100LT', () => {
  it('uses fine labels and defaults to maxCount 500', async () => {
    const path = join(dir, 'c100');
    mkdirSync(path);
    // 3 images of each fine class; the coarse byte is fine mod 20.
    writeFileSync(join(path, 'train.bin'), records(Array.from({ length: 300 }, (_, i) => [(i % 100) % 20, i % 100])));
    writeFileSync(join(path, 'test.bin'), records(Array.from({ length: 100 }, (_, i) => [i % 20, i])));
    expect(cifar100LT({ dataDir: path }).options).toMatchObject({ maxCount: 500, imbalance: 100 });
    const dataset = await cifar100LT({ dataDir: path, imbalance: 3, maxCount: 3, selection: 'random' }).load({ rng: createRng(4), seed: 4 });
    expect(dataset.info).toMatchObject({ name: 'cifar100-lt', numClasses: 100 });
    expect(dataset.info.classNames).toHaveLength(100);
    expect(dataset.classCounts[0]).toBe(3);
    expect(dataset.classCounts[99]).toBe(1);
    expect(classHistogram(dataset.trainLabels, 100)).toEqual(dataset.classCounts);
    expect(dataset.manifest.selection).toBe('random');
  });
});
