import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createRng } from '@lt/core';
import { readCifar10 } from './cifar.js';
import { cifar10LT } from './cifarLT.js';
import { writeCifar10Binary } from './cifarWriter.js';
import { classPixels, tempDir } from './imageFiles.fixture.js';

const NAMES = ['ant', 'bee', 'cow', 'doe', 'eel', 'fox', 'gnu', 'hen', 'ibis', 'jay'];
const TRAIN = [3, 2, 2, 1, 1, 1, 1, 1, 1, 1];

/** A CIFAR-shaped tree of lossless PNGs; returns every file's RGB bytes by path. */
async function writeTree(root: string): Promise<Map<string, Buffer>> {
  const pixels = new Map<string, Buffer>();
  for (const [split, counts] of [['train', TRAIN], ['test', NAMES.map(() => 1)]] as const) {
    for (const [k, name] of NAMES.entries()) {
      mkdirSync(join(root, split, name), { recursive: true });
      for (let i = 0; i < counts[k]; i++) {
        const raw = classPixels(k, 32, 32, i + (split === 'test' ? 50 : 0));
        const path = join(root, split, name, `${String(i).padStart(4, '0')}.png`);
        writeFileSync(path, await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer());
        pixels.set(path, raw);
      }
    }
  }
  return pixels;
}

describe('writeCifar10Binary (lt data cifar10)', () => {
  let root: string;
  let pixels: Map<string, Buffer>;
  beforeAll(async () => {
    root = tempDir('cifar-tree');
    pixels = await writeTree(root);
  });

  it('writes records the cifar10 reader reads back byte for byte: label, then R, G, B planes', async () => {
    const out = join(tempDir('cifar-out'), 'bin');
    const result = await writeCifar10Binary({ from: root, out });
    expect(result).toEqual({ classNames: NAMES, train: 14, test: 10 });
    const record = 1 + 3072;
    // 14 training records over 5 files, none empty; classes interleaved (image 0 of every class first).
    const sizes = [1, 2, 3, 4, 5].map((i) => readFileSync(join(out, `data_batch_${i}.bin`)).length / record);
    expect(sizes).toEqual([2, 3, 3, 3, 3]);
    const first = readFileSync(join(out, 'data_batch_1.bin'));
    expect([first[0], first[record]]).toEqual([0, 1]);
    const expected = pixels.get(join(root, 'train', 'ant', '0000.png'))!;
    for (const p of [0, 517, 1023]) {
      for (let c = 0; c < 3; c++) expect(first[1 + c * 1024 + p]).toBe(expected[p * 3 + c]);
    }
    const splits = readCifar10(out);
    expect(splits.classNames).toEqual(NAMES);
    expect(Array.from(splits.train.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 0]);
    // readCifar10 returns NHWC bytes: the third image of class 0 is the last training record.
    const last = pixels.get(join(root, 'train', 'ant', '0002.png'))!;
    expect(Buffer.from(splits.train.images.subarray(13 * 3072, 14 * 3072)).equals(last)).toBe(true);
    const test = pixels.get(join(root, 'test', 'jay', '0000.png'))!;
    expect(Buffer.from(splits.test.images.subarray(9 * 3072)).equals(test)).toBe(true);
    // The dataset takes its class names from batches.meta.txt.
    const dataset = await cifar10LT({ dataDir: out, imbalance: 1, maxCount: 1 }).load({ rng: createRng(0), seed: 0 });
    expect(dataset.info.classNames).toEqual(NAMES);
  });

  it('names a file that is not 32×32, refuses a tree without 10 class folders, and leaves nothing behind', async () => {
    const bad = tempDir('cifar-bad');
    await writeTree(bad);
    const path = join(bad, 'train', 'cow', '0001.png');
    writeFileSync(path, await sharp({ create: { width: 33, height: 32, channels: 3, background: '#808080' } }).png().toBuffer());
    const out = join(tempDir('cifar-out'), 'bin');
    await expect(writeCifar10Binary({ from: bad, out })).rejects.toThrow(`${path}: is 33×32; CIFAR records hold 32×32 images`);
    expect(existsSync(out)).toBe(false);
    await expect(writeCifar10Binary({ from: join(bad, 'train'), out })).rejects.toThrow(`cannot read the image folder ${join(bad, 'train', 'train')}`);
    const nine = tempDir('cifar-nine');
    for (const split of ['train', 'test']) for (const name of NAMES.slice(0, 9)) mkdirSync(join(nine, split, name), { recursive: true });
    for (const split of ['train', 'test']) for (const name of NAMES.slice(0, 9)) writeFileSync(join(nine, split, name, 'a.png'), readFileSync(join(root, 'train', 'ant', '0000.png')));
    await expect(writeCifar10Binary({ from: nine, out })).rejects.toThrow(`${join(nine, 'train')}: has 9 class folders; CIFAR-10 has 10`);
    expect(existsSync(out)).toBe(false);
  });
});
