import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { LtError } from '@lt/core';
import { checkDuplicates, checkLabelRange, parseLabel, type ImageEntries, type ImageEntry } from './imageEntries.js';

interface InatJson {
  images?: unknown;
  annotations?: unknown;
  categories?: unknown;
}

function readJson(path: string): InatJson {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LtError('DATA_FILE', `cannot read the iNaturalist file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as InatJson;
  } catch (error) {
    throw new LtError('DATA_BAD_JSON', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function objects(file: string, json: InatJson, key: 'images' | 'annotations' | 'categories'): Record<string, unknown>[] {
  const value = json[key];
  if (!Array.isArray(value)) throw new LtError('DATA_BAD_JSON', `${file}: "${key}" must be an array`);
  value.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) throw new LtError('DATA_BAD_JSON', `${file}: ${key}[${i}] is not an object`);
  });
  return value as Record<string, unknown>[];
}

/** Returns the entries of one iNaturalist 2018 JSON split (COCO-style `images` + `annotations`; label = category_id). */
export function readInatFile(root: string, jsonFile: string): { entries: ImageEntry[]; categories: Map<number, string> } {
  const file = resolve(jsonFile);
  const json = readJson(file);
  if (json.annotations === undefined || (Array.isArray(json.annotations) && json.annotations.length === 0)) {
    throw new LtError(
      'DATA_NO_ANNOTATIONS',
      `${file} has no annotations: it is a test split without labels (as test2018.json is). Evaluate on the labelled validation split (val2018.json) instead.`,
    );
  }
  const paths = new Map<number, string>();
  objects(file, json, 'images').forEach((image, i) => {
    if (typeof image.file_name !== 'string' || image.file_name === '' || typeof image.id !== 'number') {
      throw new LtError('DATA_BAD_JSON', `${file}: images[${i}] needs a numeric "id" and a "file_name", got ${JSON.stringify(image).slice(0, 200)}`);
    }
    if (paths.has(image.id)) throw new LtError('DATA_BAD_JSON', `${file}: images[${i}] repeats image id ${image.id}`);
    paths.set(image.id, resolve(root, image.file_name));
  });
  const entries = objects(file, json, 'annotations').map((annotation, i): ImageEntry => {
    const origin = `${file} annotations[${i}]`;
    const path = typeof annotation.image_id === 'number' ? paths.get(annotation.image_id) : undefined;
    if (path === undefined) {
      throw new LtError('DATA_BAD_JSON', `${origin}: image_id ${JSON.stringify(annotation.image_id)} is not the id of any entry of "images"`);
    }
    return { path, label: parseLabel(annotation.category_id, origin), origin };
  });
  checkDuplicates(entries);
  const categories = new Map<number, string>();
  if (json.categories !== undefined) {
    objects(file, json, 'categories').forEach((category, i) => {
      const id = parseLabel(category.id, `${file} categories[${i}]`);
      categories.set(id, typeof category.name === 'string' ? category.name : String(id));
    });
  }
  return { entries, categories };
}

/** Reads an `inat` dataset: iNaturalist 2018 train and validation JSON under `root`. */
export function readInat(options: { root: string; train: string; test: string }): ImageEntries {
  const root = resolve(options.root);
  const train = readInatFile(root, resolve(root, options.train));
  const test = readInatFile(root, resolve(root, options.test));
  let numClasses = 0;
  for (const entry of train.entries) numClasses = Math.max(numClasses, entry.label + 1);
  for (const id of train.categories.keys()) numClasses = Math.max(numClasses, id + 1);
  const classNames = Array.from({ length: numClasses }, (_, k) => train.categories.get(k) ?? String(k));
  checkLabelRange(test.entries, numClasses);
  return { train: train.entries, test: test.entries, classNames, source: `${root} (${basename(options.train)}, ${basename(options.test)})` };
}
