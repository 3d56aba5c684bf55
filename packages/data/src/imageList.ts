import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { LtError } from '@lt/core';
import { checkDuplicates, checkLabelRange, parseLabel, type ImageEntries, type ImageEntry } from './imageEntries.js';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new LtError('DATA_FILE', `cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
}

/** Returns the entries of a list file: one `relative/path label` line per image (blank lines ignored). */
export function readImageListFile(root: string, listFile: string): ImageEntry[] {
  const file = resolve(listFile);
  const entries: ImageEntry[] = [];
  readText(file, 'image list').split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const origin = `${file} line ${index + 1}`;
    const match = /^\s*(\S(?:.*\S)?)\s+(\S+)\s*$/.exec(line);
    if (match === null) {
      throw new LtError('DATA_BAD_LINE', `${origin}: expected "relative/path label", got ${JSON.stringify(line)}`);
    }
    entries.push({ path: resolve(root, match[1]), label: parseLabel(match[2], origin), origin });
  });
  if (entries.length === 0) throw new LtError('DATA_EMPTY', `${file} lists no images`);
  checkDuplicates(entries);
  return entries;
}

/** Returns class names from a file with one name per line (line k names class k). */
export function readClassNames(path: string): string[] {
  const names = readText(resolve(path), 'class-names file').split(/\r?\n/).map((line) => line.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names;
}

/** Reads an `image-list` dataset (ImageNet-LT, Places-LT): list files under `root`, optional class-names file. */
export function readImageList(options: { root: string; train: string; test: string; classNames?: string }): ImageEntries {
  const root = resolve(options.root);
  const train = readImageListFile(root, resolve(root, options.train));
  const test = readImageListFile(root, resolve(root, options.test));
  let numClasses = 0;
  for (const entry of train) numClasses = Math.max(numClasses, entry.label + 1);
  const classNames = options.classNames === undefined ? Array.from({ length: numClasses }, (_, k) => String(k)) : readClassNames(resolve(root, options.classNames));
  checkLabelRange(train, classNames.length);
  checkLabelRange(test, classNames.length);
  return { train, test, classNames, source: `${root} (${basename(options.train)}, ${basename(options.test)})` };
}
