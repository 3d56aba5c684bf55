import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Dataset } from '@lt/core';
import sharp from 'sharp';
import { imageFolder, imageList } from './imageDatasets.js';
import { decodeImage } from './decodeImage.js';
import { IMAGENET_NORMALIZATION } from './normalize.js';
import { UNIFORMS_PER_IMAGE } from './imageTransforms.js';
import { longTailedCounts } from './longTailedCounts.js';
import { tempDir, writeClassImage, writeImageFolder } from './imageFiles.fixture.js';
import { LtError } from '@lt/core';

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

const values = (x: tf.Tensor) => {
  const data = Array.from(x.dataSync());
  x.dispose();
  return data;
};

describe('image datasets', () => {
  it('cuts a long-tailed profile like CIFAR-LT (maxCount defaults to the largest that fits)', async () => {
    const dataset = await load({ root: join(root, 'train'), test: join(root, 'test'), imageSize: 8, imbalance: 3, maxCount: 9 });
    expect(dataset.classCounts).toEqual(longTailedCounts({ maxCount: 9, numClasses: 3, imbalanceFactor: 3 }));
    expect(dataset.manifest.imbalanceFactor).toBe(3);
    const whole = await load({ root: join(root, 'train'), test: join(root, 'test'), imageSize: 8, imbalance: 2 });
    expect(whole.classCounts).toEqual(longTailedCounts({ maxCount: 9, numClasses: 3, imbalanceFactor: 2 }));
  });

  it('draws augmentation from the rng only: prefetched, 1 or 2 workers, same batch; another seed differs', async () => {
    const options = { root: join(root, 'train'), test: join(root, 'test'), imageSize: 12, colorJitter: 0.4 };
    const one = await load({ ...options, workers: 1 });
    const two = await load({ ...options, workers: 2 });
    const indices = [0, 5, 9, 20, 29];
    two.prefetchTrainBatch!(indices, { augment: true, rng: createRng(7) });
    const a = values(one.trainBatch(indices, { augment: true, rng: createRng(7) }));
    const b = values(two.trainBatch(indices, { augment: true, rng: createRng(7) }));
    const c = values(two.trainBatch(indices, { augment: true, rng: createRng(8) }));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(values(one.testBatch(0, 6))).toEqual(values(two.testBatch(0, 6)));
  });

  it('normalises with ImageNet mean and std, channels in RGB order', async () => {
    const dir = tempDir('solid');
    const colour = [200, 100, 30];
    for (const name of ['x', 'y']) {
      for (const split of ['train', 'test']) {
        const path = join(dir, split, name);
        mkdirSync(path, { recursive: true });
        writeFileSync(join(path, 'a.png'), await sharp({ create: { width: 20, height: 30, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } }).png().toBuffer());
      }
    }
    const dataset = await load({ root: join(dir, 'train'), test: join(dir, 'test'), imageSize: 8 });
    const pixels = values(dataset.testBatch(0, 1));
    expect(pixels.length).toBe(8 * 8 * 3);
    for (let c = 0; c < 3; c++) {
      const expected = (colour[c] / 255 - IMAGENET_NORMALIZATION.mean[c]) / IMAGENET_NORMALIZATION.std[c];
      expect(pixels[c]).toBeCloseTo(expected, 5);
      expect(pixels[pixels.length - 3 + c]).toBeCloseTo(expected, 5);
    }
  });

  it('flips horizontally when the flip uniform is below one half', async () => {
    const path = join(tempDir('flip'), 'half.png');
    const raw = Buffer.alloc(16 * 16 * 3);
    for (let y = 0; y < 16; y++) for (let x = 8; x < 16; x++) raw.fill(255, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    writeFileSync(path, await sharp(raw, { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer());
    // Every try asks for more than the image, so the crop is the whole square.
    const uniforms = new Array<number>(UNIFORMS_PER_IMAGE).fill(0.999999);
    const kept = await decodeImage({ kind: 'file', path }, { mode: 'train', size: 16, jitter: 0, augmentation: 'imagenet' }, uniforms, 0);
    uniforms[40] = 0.1;
    const flipped = await decodeImage({ kind: 'file', path }, { mode: 'train', size: 16, jitter: 0, augmentation: 'imagenet' }, uniforms, 0);
    expect([kept[0], kept[15 * 3]]).toEqual([0, 255]);
    expect([flipped[0], flipped[15 * 3]]).toEqual([255, 0]);
  });

  it('crop-flip (the default up to 64 px): test images as they are, training views padded, shifted and flipped like CIFAR', async () => {
    const dir = tempDir('cropflip');
    await writeImageFolder(join(dir, 'train'), ['p', 'q'], [3, 3]);
    await writeImageFolder(join(dir, 'test'), ['p', 'q'], [1, 1], 50);
    for (const split of ['train', 'test']) {
      for (const name of ['p', 'q']) {
        for (const file of readdirSync(join(dir, split, name))) {
          // Lossless 32×32 files, so the bytes a view shows can be compared with the file's.
          const path = join(dir, split, name, file);
          const png = await sharp(path).resize(32, 32, { fit: 'fill' }).png().toBuffer();
          rmSync(path);
          writeFileSync(path.replace(/\.\w+$/, '.png'), png);
        }
      }
    }
    const dataset = await load({ root: join(dir, 'train'), test: join(dir, 'test'), imageSize: 32 });
    expect(dataset.manifest.images?.augmentation).toBe('crop-flip');
    const raw = await sharp(join(dir, 'test', 'p', 'img0000.png')).raw().toBuffer();
    const normalise = (v: number, c: number) => (v / 255 - IMAGENET_NORMALIZATION.mean[c]) / IMAGENET_NORMALIZATION.std[c];
    const test = values(dataset.testBatch(0, 1));
    for (const p of [0, 100, 3071]) expect(test[p]).toBeCloseTo(normalise(raw[p], p % 3), 5);
    // Training views: each is the file shifted by at most 4 px (zeros outside), maybe mirrored.
    const file = await sharp(join(dir, 'train', 'p', 'img0000.png')).raw().toBuffer();
    const zero = [0, 1, 2].map((c) => normalise(0, c));
    const matchesSomeShift = (view: ArrayLike<number>): boolean => {
      for (const flip of [false, true]) {
        for (let dy = -4; dy <= 4; dy++) {
          for (let dx = -4; dx <= 4; dx++) {
            let ok = true;
            for (let y = 0; y < 32 && ok; y++) {
              for (let x = 0; x < 32 && ok; x++) {
                const sy = y + dy;
                const sx = (flip ? 31 - x : x) + dx;
                for (let c = 0; c < 3 && ok; c++) {
                  const expected = sy < 0 || sy > 31 || sx < 0 || sx > 31 ? zero[c] : normalise(file[(sy * 32 + sx) * 3 + c], c);
                  ok = Math.abs(view[(y * 32 + x) * 3 + c] - expected) < 1e-4;
                }
              }
            }
            if (ok) return true;
          }
        }
      }
      return false;
    };
    const views = Array.from({ length: 6 }, (_, i) => values(dataset.trainBatch([0], { augment: true, rng: createRng(i) })));
    for (const view of views) expect(matchesSomeShift(view)).toBe(true);
    expect(new Set(views.map((view) => view.slice(0, 300).join(','))).size).toBeGreaterThan(1);
    const imagenet = await load({ root: join(dir, 'train'), test: join(dir, 'test'), imageSize: 32, augmentation: 'imagenet' });
    expect(imagenet.manifest.images?.augmentation).toBe('imagenet');
    // ImageNet's test view resizes to 36 and crops the centre: not the file as it is.
    expect(values(imagenet.testBatch(0, 1))[0]).not.toBeCloseTo(test[0], 3);
    const none = await load({ root: join(dir, 'train'), test: join(dir, 'test'), imageSize: 32, augmentation: 'none' });
    expect(none.augments).toBe(false);
  });

  it('names a missing, corrupt or truncated image and its list line; skip leaves them out and lists them', async () => {
    const dir = tempDir('bad');
    for (let i = 0; i < 4; i++) await writeClassImage(join(dir, `ok${i}.jpg`), i % 2, i);
    const good = readFileSync(join(dir, 'ok0.jpg'));
    writeFileSync(join(dir, 'truncated.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    writeFileSync(join(dir, 'corrupt.jpg'), Buffer.concat([good.subarray(0, 20), Buffer.alloc(200, 7)]));
    writeFileSync(join(dir, 'test.txt'), 'ok2.jpg 0\nok3.jpg 1\n');
    const cases: [string, RegExp][] = [
      ['missing.jpg', /the file does not exist/],
      ['corrupt.jpg', /corrupt header/],
      ['truncated.jpg', /premature end of JPEG/],
    ];
    for (const [file, reason] of cases) {
      writeFileSync(join(dir, 'train.txt'), `ok0.jpg 0\nok1.jpg 1\n${file} 1\n`);
      const listError = await imageList({ root: dir, train: 'train.txt', test: 'test.txt', imageSize: 8 }).load({ rng: createRng(0), seed: 0 }).catch((e: unknown) => e);
      expect(listError).toBeInstanceOf(LtError);
      expect((listError as LtError).code).toBe('DATA_CORRUPT_IMAGE');
      expect((listError as LtError).message).toContain(`${join(dir, 'train.txt')} line 3: cannot use ${join(dir, file)}: `);
      expect((listError as LtError).message).toMatch(reason);
      expect((listError as LtError).message).toMatch(/onCorrupt: 'skip'/);
    }
    writeFileSync(join(dir, 'train.txt'), 'ok0.jpg 0\nmissing.jpg 1\nok1.jpg 1\ncorrupt.jpg 0\ntruncated.jpg 1\n');
    const skipped = await imageList({ root: dir, train: 'train.txt', test: 'test.txt', imageSize: 8, onCorrupt: 'skip' }).load({ rng: createRng(0), seed: 0 });
    opened.push(skipped);
    expect(skipped.classCounts).toEqual([1, 1]);
    expect(Array.from(skipped.trainLabels)).toEqual([0, 1]);
    expect(skipped.manifest.images!.skipped.map((s) => s.origin)).toEqual([2, 4, 5].map((line) => `${join(dir, 'train.txt')} line ${line}`));
    expect(values(skipped.trainBatch([0, 1], { augment: false, rng: createRng(0) })).length).toBe(2 * 8 * 8 * 3);
  });
});

describe('decoded cache', () => {
  it('is built once, reused with the same checksum, and rebuilt when the size or the list changes', async () => {
    const cache = tempDir('cache');
    // ImageNet's views: records are kept at the test resize side (13 for 12).
    const options = { root: join(root, 'train'), test: join(root, 'test'), imageSize: 12, cache, augmentation: 'imagenet' as const };
    const first = await load(options);
    const info = first.manifest.images!.cache!;
    expect(info.recordSize).toBe(13);
    expect(statSync(info.path).size).toBe(info.records * 13 * 13 * 3);
    const built = statSync(info.path).mtimeMs;
    const again = await load(options);
    expect(again.manifest.images!.cache).toEqual(info);
    expect(statSync(info.path).mtimeMs).toBe(built);
    expect(values(again.trainBatch([1, 2, 3], { augment: true, rng: createRng(3) }))).toEqual(values(first.trainBatch([1, 2, 3], { augment: true, rng: createRng(3) })));
    // The cached test view equals the one decoded from the files: the record is the resized centre square.
    const uncached = await load({ ...options, cache: undefined });
    const cachedTest = values(first.testBatch(0, 6));
    const fileTest = values(uncached.testBatch(0, 6));
    expect(cachedTest).toEqual(fileTest);
    expect((await load({ ...options, imageSize: 10 })).manifest.images!.cache!.path).not.toBe(info.path);
    expect((await load({ ...options, imbalance: 2 })).manifest.images!.cache!.path).not.toBe(info.path);
  });

  it('refuses batches once closed instead of waiting on stopped threads', async () => {
    const dataset = await load({ root: join(root, 'train'), test: join(root, 'test'), imageSize: 8 });
    await dataset.close!();
    expect(() => dataset.trainBatch([0], { augment: false, rng: createRng(0) })).toThrow(/closed/);
  });
});
