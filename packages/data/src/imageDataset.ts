import * as tf from '@tensorflow/tfjs-core';
import { LtError, type Dataset, type Rng } from '@lt/core';
import type { ImageSource } from './decodeImage.js';
import { decodedCacheKey, decodedCachePath, openDecodedCache, writeDecodedCache, type DecodedCache } from './decodedCache.js';
import { DecodePool, defaultWorkerCount, type PendingDecode } from './decodePool.js';
import type { ImageEntries, ImageEntry } from './imageEntries.js';
import { classHistogram } from './imageSet.js';
import { testResizeSize, UNIFORMS_PER_IMAGE, type AugmentationPolicy } from './imageTransforms.js';
import { chooseLongTailedSplit, largestFeasibleMaxCount } from './longTailedDataset.js';
import { normalizationTable, type Normalization } from './normalize.js';
import type { Selection } from './selectLongTailed.js';
import { splitManifest } from './splitManifest.js';

/** How an image dataset is cut, decoded and checked. */
export interface ImageDatasetSettings {
  readonly name: string;
  readonly imageSize: number;
  /** Reduce the training split to a long-tailed profile with this IF; undefined keeps it as given. */
  readonly imbalance?: number;
  /** Head count of the profile (default: the largest class's images). */
  readonly maxCount?: number;
  readonly selection: Selection;
  /** Decoding threads (default: every core, 1 for fewer than 512 images). */
  readonly workers?: number;
  /** Directory of the decoded cache; undefined decodes from the files every time. */
  readonly cacheDir?: string;
  readonly onCorrupt: 'error' | 'skip';
  /** Colour-jitter strength on training views (0: off, the reference default). */
  readonly colorJitter: number;
  /** How training views are made (and the test view: resized past the input side for `imagenet` only). */
  readonly augmentation: AugmentationPolicy;
  readonly normalization: Normalization;
}

/** Images decoded per chunk of the checking pass. */
const CHUNK = 256;
/** Prefetched batches kept at most (older unclaimed ones are dropped). */
const MAX_PENDING = 8;

async function* checkAll(pool: DecodePool, entries: readonly ImageEntry[], size: number, settings: ImageDatasetSettings) {
  const { name, augmentation } = settings;
  let lastReport = Date.now();
  for (let start = 0; start < entries.length; start += CHUNK) {
    const chunk = entries.slice(start, start + CHUNK);
    const pending = pool.submit(
      chunk.map((entry) => ({ kind: 'file', path: entry.path })),
      { mode: 'record', size, jitter: 0, augmentation },
      new Float64Array(0),
      0,
      (i) => chunk[i].origin,
    );
    const { pixels, failures } = pool.collect(pending);
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      console.error(`${name}: decoded ${start + chunk.length} / ${entries.length} images`);
    }
    yield { pixels, failed: failures.map((failure) => ({ index: start + failure.index, reason: failure.message })) };
  }
}

/** Decodes every image once (building the cache when asked) and returns the failures. */
async function checkImages(pool: DecodePool, entries: readonly ImageEntry[], settings: ImageDatasetSettings): Promise<{ failed: DecodedCache['failed']; cache?: DecodedCache }> {
  // Records keep what the views need: ImageNet's test view resizes past the input side; the others use it as it is.
  const recordSize = settings.augmentation === 'imagenet' ? testResizeSize(settings.imageSize) : settings.imageSize;
  if (settings.cacheDir === undefined) {
    const failed: { index: number; reason: string }[] = [];
    for await (const chunk of checkAll(pool, entries, recordSize, settings)) failed.push(...chunk.failed);
    return { failed };
  }
  const key = decodedCacheKey(entries.map((entry) => entry.path), recordSize);
  const path = decodedCachePath(settings.cacheDir, settings.name, key);
  const cache = openDecodedCache(path, key) ?? (await writeDecodedCache(path, key, recordSize, entries.length, checkAll(pool, entries, recordSize, settings)));
  return { failed: cache.failed, cache };
}

function corruptError(entry: ImageEntry, reason: string, more: number): LtError {
  return new LtError(
    'DATA_CORRUPT_IMAGE',
    `${entry.origin}: cannot use ${entry.path}: ${reason}${more > 0 ? ` (and ${more} more bad images)` : ''}. ` +
      `Fix or remove the file, or set onCorrupt: 'skip' to leave bad images out.`,
  );
}

/** Loads an image dataset: long-tailed cut, a decoding pass that finds bad images, worker threads for batches. */
export async function createImageDataset(entries: ImageEntries, settings: ImageDatasetSettings, context: { rng: Rng; seed: number }): Promise<Dataset> {
  const { name, imageSize } = settings;
  const numClasses = entries.classNames.length;
  const allLabels = Int32Array.from(entries.train, (entry) => entry.label);
  const available = classHistogram(allLabels, numClasses);
  const chosen =
    settings.imbalance === undefined
      ? Int32Array.from(entries.train, (_, i) => i)
      : chooseLongTailedSplit(
          { name, numClasses, labels: allLabels, source: entries.source, classNames: entries.classNames },
          { imbalance: settings.imbalance, maxCount: settings.maxCount ?? largestFeasibleMaxCount(available, numClasses, settings.imbalance, Math.max(...available)) ?? 1, selection: settings.selection, rng: context.rng },
        ).indices;
  const candidates = [...Array.from(chosen, (i) => entries.train[i]), ...entries.test];
  const workers = settings.workers ?? defaultWorkerCount(candidates.length);
  const pool = await DecodePool.start(workers);
  try {
    const { failed, cache } = await checkImages(pool, candidates, settings);
    if (failed.length > 0 && settings.onCorrupt === 'error') throw corruptError(candidates[failed[0].index], failed[0].reason, failed.length - 1);
    const bad = new Set(failed.map((failure) => failure.index));
    const keep = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i).filter((i) => !bad.has(i));
    const trainPositions = keep(0, chosen.length);
    const testPositions = keep(chosen.length, candidates.length);
    const source = (position: number): ImageSource =>
      cache === undefined ? { kind: 'file', path: candidates[position].path } : { kind: 'record', cachePath: cache.path, index: position, side: cache.recordSize };
    const trainLabels = Int32Array.from(trainPositions, (p) => candidates[p].label);
    const testLabels = Int32Array.from(testPositions, (p) => candidates[p].label);
    const classCounts = classHistogram(trainLabels, numClasses);
    const manifest = {
      ...splitManifest({
        dataset: name,
        imbalanceFactor: settings.imbalance ?? Math.max(...classCounts) / Math.max(1, Math.min(...classCounts)),
        selection: settings.selection,
        seed: context.seed,
        classCounts,
        testCount: testLabels.length,
        source: entries.source,
        indices: Int32Array.from(trainPositions, (p) => chosen[p]),
      }),
      images: {
        imageSize,
        augmentation: settings.augmentation,
        workers,
        skipped: failed.map((failure) => ({ path: candidates[failure.index].path, origin: candidates[failure.index].origin, reason: failure.reason })),
        ...(cache && { cache: { path: cache.path, sha256: cache.sha256, recordSize: cache.recordSize, records: cache.records } }),
      },
    };
    return imageDatasetView({ name, numClasses, classNames: entries.classNames, trainLabels, testLabels, classCounts, manifest, settings, pool }, {
      train: trainPositions.map(source),
      test: testPositions.map(source),
      describe: (list, i) => {
        const entry = candidates[list === 'train' ? trainPositions[i] : testPositions[i]];
        return `${entry.origin}: ${entry.path}`;
      },
    });
  } catch (error) {
    await pool.close();
    throw error;
  }
}

interface ViewInputs extends Pick<Dataset, 'classCounts' | 'trainLabels' | 'testLabels' | 'manifest'> {
  readonly name: string;
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly settings: ImageDatasetSettings;
  readonly pool: DecodePool;
}

/** The `Dataset` over decoded sources: batches are decoded by the pool, prefetched ones are claimed by key. */
function imageDatasetView(
  inputs: ViewInputs,
  sources: { train: ImageSource[]; test: ImageSource[]; describe: (list: 'train' | 'test', i: number) => string },
): Dataset {
  const { settings, pool, name } = inputs;
  const size = settings.imageSize;
  const table = normalizationTable(settings.normalization, 3);
  const pending = new Map<string, PendingDecode>();
  const remember = (key: string, job: PendingDecode) => {
    pending.set(key, job);
    if (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!);
  };
  const submitTrain = (indices: ArrayLike<number>, augment: boolean, rng: Rng): PendingDecode => {
    const picked = Array.from(indices, (index, i) => {
      if (!Number.isInteger(index) || index < 0 || index >= sources.train.length) {
        throw new LtError('DATA_INDEX_RANGE', `${name}: training index ${index} at position ${i} is outside 0..${sources.train.length - 1}`);
      }
      return index;
    });
    const uniforms = new Float64Array(augment ? picked.length * UNIFORMS_PER_IMAGE : 0);
    for (let i = 0; i < uniforms.length; i++) uniforms[i] = rng.next();
    return pool.submit(
      picked.map((index) => sources.train[index]),
      { mode: augment ? 'train' : 'test', size, jitter: settings.colorJitter, augmentation: settings.augmentation },
      uniforms,
      UNIFORMS_PER_IMAGE,
      (i) => sources.describe('train', picked[i]),
    );
  };
  const submitTest = (start: number, end: number): PendingDecode =>
    pool.submit(sources.test.slice(start, end), { mode: 'test', size, jitter: 0, augmentation: settings.augmentation }, new Float64Array(0), 0, (i) => sources.describe('test', start + i));
  const toTensor = (job: PendingDecode): tf.Tensor4D => {
    const { pixels, failures } = pool.collect(job);
    if (failures.length > 0) {
      throw new LtError('DATA_CORRUPT_IMAGE', `${job.describe(failures[0].index)}: ${failures[0].message} (did the file change after the run started?)`);
    }
    const out = new Float32Array(pixels.length);
    for (let p = 0; p < pixels.length; p += 3) {
      out[p] = table[pixels[p]];
      out[p + 1] = table[256 + pixels[p + 1]];
      out[p + 2] = table[512 + pixels[p + 2]];
    }
    return tf.tensor4d(out, [pixels.length / (size * size * 3), size, size, 3], 'float32');
  };
  const trainKey = (indices: ArrayLike<number>, augment: boolean, rng: Rng) => `train ${augment} ${rng.seed} ${Array.from(indices).join(',')}`;
  const claim = (key: string, make: () => PendingDecode): PendingDecode => {
    const job = pending.get(key) ?? make();
    pending.delete(key);
    return job;
  };

  return {
    info: { name, numClasses: inputs.numClasses, imageShape: [size, size, 3], flipPreservesLabel: true, classNames: inputs.classNames },
    classCounts: inputs.classCounts,
    trainLabels: inputs.trainLabels,
    testLabels: inputs.testLabels,
    manifest: inputs.manifest,
    augments: settings.augmentation !== 'none',
    trainBatch(indices, { augment, rng }) {
      return toTensor(claim(trainKey(indices, augment, rng), () => submitTrain(indices, augment, rng)));
    },
    prefetchTrainBatch(indices, { augment, rng }) {
      const key = trainKey(indices, augment, rng);
      if (!pending.has(key)) remember(key, submitTrain(indices, augment, rng));
    },
    testBatch(start, end) {
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > sources.test.length) {
        throw new LtError('DATA_INDEX_RANGE', `${name}: testBatch(${start}, ${end}) is outside the test set 0..${sources.test.length}`);
      }
      const job = claim(`test ${start} ${end}`, () => submitTest(start, end));
      // Evaluation reads the test set in order: decode the next batch while this one is used.
      const next = Math.min(sources.test.length, end + (end - start));
      if (end < next && !pending.has(`test ${end} ${next}`)) remember(`test ${end} ${next}`, submitTest(end, next));
      return toTensor(job);
    },
    close: () => pool.close(),
  };
}
