import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCifar10, readCifar100, readCifarBinary } from './cifar.js';
import { expectFileError } from './testFiles.fixture.js';

/** One CIFAR record: label bytes then R, G, B planes where pixel p of channel c holds (seed + 3p + c) mod 256. */
function record(labels: number[], seed: number): Uint8Array {
  const bytes = new Uint8Array(labels.length + 3072);
  bytes.set(labels, 0);
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) bytes[labels.length + c * 1024 + p] = (seed + 3 * p + c) % 256;
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'lt-cifar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  return path;
}

describe('readCifarBinary', () => {
  it('converts CHW planar records to NHWC and reads the label byte', () => {
    const path = write(join(dir, 'one.bin'), concat([record([3], 0), record([9], 100)]));
    const set = readCifarBinary(path, 'cifar10');
    expect(set).toMatchObject({ count: 2, height: 32, width: 32, channels: 3 });
    expect(Array.from(set.labels)).toEqual([3, 9]);
    // NHWC: pixel p of image 0 is at 3p + c, so the bytes run 0, 1, 2, … modulo 256.
    expect(Array.from(set.images.subarray(0, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Row 1, column 2, blue channel of image 1: p = 34, value (100 + 102 + 2) % 256.
    expect(set.images[3072 + (1 * 32 + 2) * 3 + 2]).toBe((100 + 3 * 34 + 2) % 256);
  });

  it('uses the fine label of CIFAR-100 records', () => {
    const path = write(join(dir, 'fine.bin'), concat([record([19, 87], 0), record([0, 4], 1)]));
    expect(Array.from(readCifarBinary(path, 'cifar100').labels)).toEqual([87, 4]);
  });

  it('rejects a file whose size is not a multiple of the record size, naming the file and the record size', () => {
    const path = write(join(dir, 'cifar100-as-10.bin'), concat([record([1, 2], 0), record([1, 2], 0)]));
    expectFileError(() => readCifarBinary(path, 'cifar10'), 'DATA_SIZE_MISMATCH', path, /6148 bytes.*record size 3073/);
  });

  it('rejects a truncated file', () => {
    const path = write(join(dir, 'short.bin'), record([1], 0).subarray(0, 3000));
    expectFileError(() => readCifarBinary(path, 'cifar10'), 'DATA_SIZE_MISMATCH', path, /truncated/);
  });

  it('rejects an empty file', () => {
    const path = write(join(dir, 'empty.bin'), new Uint8Array(0));
    expectFileError(() => readCifarBinary(path, 'cifar10'), 'DATA_SIZE_MISMATCH', path, /0 bytes/);
  });

  it('rejects a label out of range, naming the file, the record and the value', () => {
    const path = write(join(dir, 'label.bin'), concat([record([2], 0), record([10], 0)]));
    expectFileError(() => readCifarBinary(path, 'cifar10'), 'DATA_LABEL_RANGE', path, /label 10 of record 1.*0\.\.9/);
    const path100 = write(join(dir, 'coarse.bin'), record([20, 5], 0));
    expectFileError(() => readCifarBinary(path100, 'cifar100'), 'DATA_LABEL_RANGE', path100, /coarse label 20/);
  });
});

describe('readCifar10 / readCifar100', () => {
  it('concatenates data_batch_1..5 in order and reads test_batch', () => {
    const root = join(dir, 'c10');
    mkdirSync(root);
    for (let i = 1; i <= 5; i++) write(join(root, `data_batch_${i}.bin`), concat([record([i], i), record([0], 0)]));
    // A gzip-compressed test batch is found under its .gz name.
    write(join(root, 'test_batch.bin.gz'), gzipSync(record([7], 7)));
    const { train, test, files } = readCifar10(root);
    expect(train.count).toBe(10);
    expect(Array.from(train.labels)).toEqual([1, 0, 2, 0, 3, 0, 4, 0, 5, 0]);
    expect(Array.from(test.labels)).toEqual([7]);
    expect(files).toHaveLength(6);
  });

  it('finds CIFAR-100 inside the folder the official archive extracts to', () => {
    const root = join(dir, 'c100');
    mkdirSync(join(root, 'cifar-100-binary'), { recursive: true });
    write(join(root, 'cifar-100-binary', 'train.bin'), concat([record([0, 99], 0), record([1, 50], 0)]));
    write(join(root, 'cifar-100-binary', 'test.bin'), record([2, 3], 0));
    const { train, test } = readCifar100(root);
    expect(Array.from(train.labels)).toEqual([99, 50]);
    expect(Array.from(test.labels)).toEqual([3]);
  });

  it('names the missing batch file', () => {
    const root = join(dir, 'partial');
    mkdirSync(root);
    write(join(root, 'data_batch_1.bin'), record([1], 0));
    expectFileError(() => readCifar10(root), 'DATA_FILE_MISSING', 'data_batch_2.bin', /not found/);
  });
});
