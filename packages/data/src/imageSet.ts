import { LtError } from '@lt/core';

/** Images and labels in memory: `images` is uint8 NHWC, `count × height × width × channels` bytes. */
export interface ImageSet {
  readonly images: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Returns the number of labels of each class 0..numClasses−1 (numClasses defaults to max label + 1). */
export function classHistogram(labels: ArrayLike<number>, numClasses?: number): number[] {
  let classes = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < labels.length; i++) classes = Math.max(classes, labels[i] + 1);
  const histogram = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label >= 0 && label < classes) histogram[label]++;
  }
  return histogram;
}

/** Returns a compact copy of the images and labels at `indices`, in that order. */
export function subsetImageSet(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const imageSize = set.height * set.width * set.channels;
  const images = new Uint8Array(indices.length * imageSize);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new LtError('DATA_INDEX_RANGE', `subsetImageSet: index ${index} at position ${i} is outside 0..${set.count - 1}`);
    }
    images.set(set.images.subarray(index * imageSize, (index + 1) * imageSize), i * imageSize);
    labels[i] = set.labels[index];
  }
  return { images, labels, count: indices.length, height: set.height, width: set.width, channels: set.channels };
}

/** Returns the sets concatenated in order; all must share one image shape (`what` names them in the error). */
export function concatImageSets(sets: readonly ImageSet[], what: string): ImageSet {
  if (sets.length === 0) throw new LtError('DATA_EMPTY', `${what}: no image sets to concatenate`);
  const [first] = sets;
  for (const set of sets) {
    if (set.height !== first.height || set.width !== first.width || set.channels !== first.channels) {
      throw new LtError(
        'DATA_BAD_DIMENSIONS',
        `${what}: image shapes differ (${first.height}×${first.width}×${first.channels} vs ${set.height}×${set.width}×${set.channels})`,
      );
    }
  }
  if (sets.length === 1) return first;
  const count = sets.reduce((total, set) => total + set.count, 0);
  const images = new Uint8Array(sets.reduce((total, set) => total + set.images.length, 0));
  const labels = new Int32Array(count);
  let imageOffset = 0;
  let labelOffset = 0;
  for (const set of sets) {
    images.set(set.images, imageOffset);
    labels.set(set.labels, labelOffset);
    imageOffset += set.images.length;
    labelOffset += set.count;
  }
  return { images, labels, count, height: first.height, width: first.width, channels: first.channels };
}
