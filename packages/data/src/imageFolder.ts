import { readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { LtError } from '@lt/core';
import type { ImageEntries, ImageEntry } from './imageEntries.js';

/** File extensions read from class folders (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

function listDir(path: string) {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    throw new LtError('DATA_FILE', `cannot read the image folder ${path}: ${(error as Error).message}`);
  }
}

/** Returns the sorted class sub-folders of `root` and their images (JPEG, PNG, WebP), classes in `classNames` order. */
export function readClassFolders(root: string, classNames?: readonly string[]): { entries: ImageEntry[]; classNames: string[] } {
  const folders = listDir(root).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  if (folders.length === 0) throw new LtError('DATA_EMPTY', `${root} has no class sub-folders (expected one folder of images per class)`);
  const names = classNames === undefined ? folders : [...classNames];
  if (classNames !== undefined) {
    const missing = classNames.filter((name) => !folders.includes(name));
    const extra = folders.filter((name) => !classNames.includes(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new LtError(
        'DATA_CLASS_MISMATCH',
        `${root}: its class folders differ from the training folder's` +
          (missing.length > 0 ? `; missing: ${missing.slice(0, 10).join(', ')}` : '') +
          (extra.length > 0 ? `; not in training: ${extra.slice(0, 10).join(', ')}` : ''),
      );
    }
  }
  const entries: ImageEntry[] = [];
  names.forEach((name, label) => {
    const dir = join(root, name);
    const files = listDir(dir)
      .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .sort();
    if (files.length === 0 && classNames === undefined) throw new LtError('DATA_EMPTY', `${dir} holds no JPEG, PNG or WebP images`);
    for (const file of files) entries.push({ path: join(dir, file), label, origin: `class folder ${name}` });
  });
  return { entries, classNames: names };
}

/** Reads an `image-folder` dataset: one sub-folder per class under `root`; without `test`, the last `testFraction` of each class's files is held out. */
export function readImageFolder(options: { root: string; test?: string; testFraction: number }): ImageEntries {
  const root = resolve(options.root);
  const train = readClassFolders(root);
  if (options.test !== undefined) {
    const test = readClassFolders(resolve(options.test), train.classNames);
    return { train: train.entries, test: test.entries, classNames: train.classNames, source: `${root}, test ${resolve(options.test)}` };
  }
  const byClass = train.classNames.map((): ImageEntry[] => []);
  for (const entry of train.entries) byClass[entry.label].push(entry);
  const kept: ImageEntry[] = [];
  const held: ImageEntry[] = [];
  byClass.forEach((entries, k) => {
    const testCount = Math.floor(entries.length * options.testFraction);
    if (testCount < 1 || testCount >= entries.length) {
      throw new LtError('DATA_NOT_ENOUGH_IMAGES', `${join(root, train.classNames[k])}: ${entries.length} images cannot be split with testFraction ${options.testFraction}; give a test folder instead`);
    }
    kept.push(...entries.slice(0, entries.length - testCount));
    held.push(...entries.slice(entries.length - testCount));
  });
  return { train: kept, test: held, classNames: train.classNames, source: `${root} (last ${options.testFraction} of each class held out for testing)` };
}
