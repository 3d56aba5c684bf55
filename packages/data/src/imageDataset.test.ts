import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset } from '@lt/core';
import sharp from 'sharp';
import { imageFolder } from './imageDatasets.js';
import { longTailedCounts } from './longTailedCounts.js';
import { tempDir, writeImageFolder } from './imageFiles.fixture.js';

const NAMES = ['cat', 'ant', 'dog'];
let root: string;
const opened: Dataset[] = [];

async function load(options: Parameters<typeof imageFolder>[0], seed = 0): Promise<Dataset> {
  const dataset = await imageFolder(options).load({ rng: createRng(seed).fork('data'), seed });
  opened.push(dataset);
  return dataset;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = tempDir('folder');
  await writeImageFolder(join(root, 'train'), NAMES, [12, 9, 7]);
  await writeImageFolder(join(root, 'test'), NAMES, [2, 2, 2], 100);
  // A greyscale PNG and an RGBA PNG must still give three channels.
  writeFileSync(join(root, 'train', 'dog', 'grey.png'), await sharp(Buffer.alloc(30 * 20, 128), { raw: { width: 30, height: 20, channels: 1 } }).png().toBuffer());
  writeFileSync(join(root, 'train', 'dog', 'rgba.png'), await sharp(Buffer.alloc(30 * 20 * 4, 200), { raw: { width: 30, height: 20, channels: 4 } }).png().toBuffer());
  writeFileSync(join(root, 'train', 'cat', 'notes.txt'), 'not an image');
});

afterAll(async () => {
  await Promise.all(opened.map((dataset) => dataset.close?.()));
});

describe('imageFolder', () => {
  it('reads sorted class folders as given, with class names and the test folder', async () => {
    const dataset = await load({ root: join(root, 'train'), test: join(root, 'test'), imageSize: 16, workers: 2 });
    expect(dataset.info.classNames).toEqual(['ant', 'cat', 'dog']);
    expect(dataset.classCounts).toEqual([9, 12, 9]);
    expect(dataset.info.imageShape).toEqual([16, 16, 3]);
    const x = dataset.trainBatch([0, 1, 2], { augment: true, rng: createRng(1) });
    expect(x.shape).toEqual([3, 16, 16, 3]);
    x.dispose();
    const t = dataset.testBatch(0, 4);
    expect(t.shape).toEqual([4, 16, 16, 3]);
    t.dispose();
  });
});
