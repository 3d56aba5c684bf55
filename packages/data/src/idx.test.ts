import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readIdxImageSet, readIdxImages, readIdxLabels } from './idx.js';
import { idxBytes, expectFileError } from './testFiles.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'lt-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

// Two 2×3 images with distinct pixel values 0..11.
const pixels = Array.from({ length: 12 }, (_, i) => i);

describe('readIdxImages', () => {
  it('reads count, rows, columns and the pixels in row-major order', () => {
    const images = readIdxImages(write('images-idx3-ubyte', idxBytes([2, 2, 3], pixels)));
    expect(images).toMatchObject({ count: 2, height: 2, width: 3, channels: 1 });
    expect(Array.from(images.images)).toEqual(pixels);
  });

  it('reads a gzip-compressed file', () => {
    const images = readIdxImages(write('images-idx3-ubyte.gz', gzipSync(idxBytes([2, 2, 3], pixels))));
    expect(Array.from(images.images)).toEqual(pixels);
  });

  it('reads idx4 files with a channel dimension', () => {
    const images = readIdxImages(write('rgb-idx4-ubyte', idxBytes([1, 2, 2, 3], pixels)));
    expect(images).toMatchObject({ count: 1, height: 2, width: 2, channels: 3 });
  });

  it('names the file when it is missing', () => {
    expectFileError(() => readIdxImages(join(dir, 'absent-idx3-ubyte')), 'DATA_FILE_MISSING', 'absent-idx3-ubyte', /not found/);
  });

  it('rejects a bad magic number, naming the file', () => {
    const bytes = idxBytes([2, 2, 3], pixels);
    bytes[0] = 0x12;
    const path = write('bad-magic-idx3-ubyte', bytes);
    expectFileError(() => readIdxImages(path), 'DATA_BAD_MAGIC', path, /magic number 0x12/);
  });

  it('rejects a data type other than unsigned byte', () => {
    const bytes = idxBytes([2, 2, 3], pixels);
    bytes[2] = 0x0d;
    const path = write('float-idx3-ubyte', bytes);
    expectFileError(() => readIdxImages(path), 'DATA_BAD_MAGIC', path, /data type 0x0d/);
  });

  it('rejects a labels file given as images (wrong number of dimensions)', () => {
    const path = write('labels-as-images', idxBytes([12], pixels));
    expectFileError(() => readIdxImages(path), 'DATA_BAD_DIMENSIONS', path, /1 dimension/);
  });

  it('rejects a truncated file, naming the file and both sizes', () => {
    const path = write('short-idx3-ubyte', idxBytes([2, 2, 3], pixels).subarray(0, 20));
    expectFileError(() => readIdxImages(path), 'DATA_SIZE_MISMATCH', path, /truncated.*28 bytes.*20 bytes/);
  });

  it('rejects a truncated header', () => {
    const path = write('header-idx3-ubyte', idxBytes([2, 2, 3], pixels).subarray(0, 9));
    expectFileError(() => readIdxImages(path), 'DATA_SIZE_MISMATCH', path, /truncated IDX header/);
  });

  it('rejects trailing bytes beyond the declared size', () => {
    const path = write('long-idx3-ubyte', idxBytes([2, 2, 3], [...pixels, 99]));
    expectFileError(() => readIdxImages(path), 'DATA_SIZE_MISMATCH', path, /size mismatch/);
  });
});

describe('readIdxLabels', () => {
  it('reads labels as int32', () => {
    const labels = readIdxLabels(write('labels-idx1-ubyte', idxBytes([3], [7, 0, 9])));
    expect(labels).toBeInstanceOf(Int32Array);
    expect(Array.from(labels)).toEqual([7, 0, 9]);
  });

  it('rejects a label out of range, naming the file, the item and the value', () => {
    const path = write('range-idx1-ubyte', idxBytes([3], [1, 12, 0]));
    expectFileError(() => readIdxLabels(path, { numClasses: 10 }), 'DATA_LABEL_RANGE', path, /label 12 of item 1.*0\.\.9/);
  });

  it('rejects an images file given as labels', () => {
    const path = write('images-as-labels', idxBytes([2, 2, 3], pixels));
    expectFileError(() => readIdxLabels(path), 'DATA_BAD_DIMENSIONS', path, /3 dimension/);
  });
});

describe('readIdxImageSet', () => {
  it('pairs images with labels', () => {
    const set = readIdxImageSet(write('pair-images', idxBytes([2, 2, 3], pixels)), write('pair-labels', idxBytes([2], [4, 5])));
    expect(set.count).toBe(2);
    expect(Array.from(set.labels)).toEqual([4, 5]);
  });

  it('rejects an image/label count mismatch, naming both files', () => {
    const imagesPath = write('mismatch-images', idxBytes([2, 2, 3], pixels));
    const labelsPath = write('mismatch-labels', idxBytes([3], [1, 2, 3]));
    expectFileError(() => readIdxImageSet(imagesPath, labelsPath), 'DATA_COUNT_MISMATCH', imagesPath, /2 images.*3 labels/);
    expectFileError(() => readIdxImageSet(imagesPath, labelsPath), 'DATA_COUNT_MISMATCH', labelsPath, /must match/);
  });
});
