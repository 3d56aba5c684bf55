import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { LtError, replaceDirAtomic } from '@lt/core';
import { readClassFolders } from './imageFolder.js';
import type { ImageEntry } from './imageEntries.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const TRAIN_FILES = 5;
// sharp decodes on libvips's own thread pool; this many files in flight keeps it busy without holding the tree in memory.
const IN_FLIGHT = 16;

/** Options of `writeCifar10Binary`. */
export interface CifarWriterOptions {
  /** Folder with `train/<class>/` and `test/<class>/` of 32×32 images; classes in sorted folder order = label order. */
  readonly from: string;
  /** Folder to write `data_batch_1..5.bin`, `test_batch.bin` and `batches.meta.txt` into (replaced atomically). */
  readonly out: string;
  /** Called after each decoded image. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What `writeCifar10Binary` wrote. */
export interface CifarWriterResult {
  readonly classNames: readonly string[];
  readonly train: number;
  readonly test: number;
}

/** Encodes one image as a CIFAR record: the label byte, then its R, G and B planes. */
async function encodeRecord(entry: ImageEntry, target: Uint8Array, offset: number): Promise<void> {
  let pixels: Buffer;
  try {
    const image = sharp(entry.path, { failOn: 'truncated' });
    const { width, height } = await image.metadata();
    if (width !== SIDE || height !== SIDE) {
      throw new LtError('DATA_IMAGE_SIZE', `${entry.path}: is ${width}×${height}; CIFAR records hold 32×32 images (resize the tree first)`);
    }
    pixels = await image.removeAlpha().toColourspace('srgb').raw().toBuffer();
  } catch (error) {
    if (error instanceof LtError) throw error;
    throw new LtError('DATA_IMAGE_DECODE', `${entry.path}: cannot decode (${(error as Error).message})`);
  }
  target[offset] = entry.label;
  for (let p = 0; p < PLANE; p++) {
    for (let c = 0; c < 3; c++) target[offset + 1 + c * PLANE + p] = pixels[p * 3 + c];
  }
}

/** Interleaves classes (image i of every class, then i + 1) so that each training file holds every class, as CIFAR's do; order within a class is kept. */
function interleave(entries: readonly ImageEntry[], classes: number): ImageEntry[] {
  const byClass = Array.from({ length: classes }, (): ImageEntry[] => []);
  for (const entry of entries) byClass[entry.label].push(entry);
  const longest = Math.max(...byClass.map((list) => list.length));
  const out: ImageEntry[] = [];
  for (let i = 0; i < longest; i++) for (const list of byClass) if (i < list.length) out.push(list[i]);
  return out;
}

/** Writes a tree of 32×32 images as the CIFAR-10 binary distribution `cifar10LT` reads. */
export async function writeCifar10Binary(options: CifarWriterOptions): Promise<CifarWriterResult> {
  const from = resolve(options.from);
  const train = readClassFolders(join(from, 'train'));
  const test = readClassFolders(join(from, 'test'), train.classNames);
  if (train.classNames.length !== 10) {
    throw new LtError('DATA_CLASS_MISMATCH', `${join(from, 'train')}: has ${train.classNames.length} class folders; CIFAR-10 has 10 (${train.classNames.slice(0, 12).join(', ')})`);
  }
  if (train.entries.length < TRAIN_FILES) {
    throw new LtError('DATA_NOT_ENOUGH_IMAGES', `${join(from, 'train')}: ${train.entries.length} images cannot fill the ${TRAIN_FILES} training files`);
  }
  const ordered = interleave(train.entries, train.classNames.length);
  const all = [...ordered, ...test.entries];
  const records = new Uint8Array(all.length * RECORD);
  let next = 0;
  let done = 0;
  const work = async (): Promise<void> => {
    for (let i = next++; i < all.length; i = next++) {
      await encodeRecord(all[i], records, i * RECORD);
      options.onProgress?.(++done, all.length);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, work));
  await replaceDirAtomic(resolve(options.out), async (dir) => {
    const bound = (f: number): number => Math.floor((f * ordered.length) / TRAIN_FILES);
    for (let f = 0; f < TRAIN_FILES; f++) {
      await writeFile(join(dir, `data_batch_${f + 1}.bin`), records.subarray(bound(f) * RECORD, bound(f + 1) * RECORD));
    }
    await writeFile(join(dir, 'test_batch.bin'), records.subarray(ordered.length * RECORD));
    await writeFile(join(dir, 'batches.meta.txt'), `${train.classNames.join('\n')}\n\n`);
  });
  return { classNames: train.classNames, train: ordered.length, test: test.entries.length };
}
