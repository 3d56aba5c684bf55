import { LtError } from '@lt/core';

/** One labelled image of an image dataset. */
export interface ImageEntry {
  /** Absolute path of the encoded image. */
  readonly path: string;
  readonly label: number;
  /** Where the entry was declared, for error messages: `train.txt line 12`, `train2018.json annotations[4]`. */
  readonly origin: string;
}

/** Train and test entries of an image dataset, with its classes. */
export interface ImageEntries {
  readonly train: ImageEntry[];
  readonly test: ImageEntry[];
  readonly classNames: readonly string[];
  /** Where the lists came from, for the manifest. */
  readonly source: string;
}

/** Returns `text` as a label, or throws naming `origin` unless it is an integer in 0..numClasses−1. */
export function parseLabel(text: unknown, origin: string, numClasses?: number): number {
  const value = typeof text === 'string' && /^-?\d+$/.test(text) ? Number(text) : text;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new LtError('DATA_BAD_LABEL', `${origin}: label ${JSON.stringify(text)} is not an integer`);
  }
  if (value < 0) throw new LtError('DATA_LABEL_RANGE', `${origin}: label ${value} is negative; labels are class indices 0, 1, …`);
  if (numClasses !== undefined && value >= numClasses) {
    throw new LtError('DATA_LABEL_RANGE', `${origin}: label ${value} is outside 0..${numClasses - 1} (${numClasses} classes)`);
  }
  return value;
}

/** Throws naming both declarations when two entries of one split point at the same image. */
export function checkDuplicates(entries: readonly ImageEntry[]): void {
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const first = seen.get(entry.path);
    if (first !== undefined) {
      throw new LtError('DATA_DUPLICATE_PATH', `${entry.origin}: ${entry.path} is listed twice (first at ${first}); remove one entry`);
    }
    seen.set(entry.path, entry.origin);
  }
}

/** Throws unless every label of `entries` is below `numClasses`. */
export function checkLabelRange(entries: readonly ImageEntry[], numClasses: number): void {
  for (const entry of entries) parseLabel(entry.label, entry.origin, numClasses);
}
