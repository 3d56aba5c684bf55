import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { findDataFile, readBinaryFile } from './binaryFile.js';

const dir = mkdtempSync(join(tmpdir(), 'lt-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readBinaryFile', () => {
  it('returns plain files as they are', () => {
    writeFileSync(join(dir, 'plain'), Uint8Array.from([0, 0, 8, 1]));
    expect(Array.from(readBinaryFile(join(dir, 'plain')))).toEqual([0, 0, 8, 1]);
  });

  it('gunzips gzip files whatever their name', () => {
    writeFileSync(join(dir, 'packed.gz'), gzipSync(Uint8Array.from([1, 2, 3])));
    writeFileSync(join(dir, 'packed-no-ext'), gzipSync(Uint8Array.from([4, 5])));
    expect(Array.from(readBinaryFile(join(dir, 'packed.gz')))).toEqual([1, 2, 3]);
    expect(Array.from(readBinaryFile(join(dir, 'packed-no-ext')))).toEqual([4, 5]);
  });

  it('names the file when it is missing', () => {
    const path = join(dir, 'nope');
    expect(() => readBinaryFile(path)).toThrow(expect.objectContaining({ code: 'DATA_FILE_MISSING', message: expect.stringContaining(path) }));
  });

  it('names the file when its gzip data is truncated', () => {
    const packed = gzipSync(new Uint8Array(1000).fill(7));
    writeFileSync(join(dir, 'cut.gz'), packed.subarray(0, packed.length - 10));
    expect(() => readBinaryFile(join(dir, 'cut.gz'))).toThrow(expect.objectContaining({ code: 'DATA_FILE_CORRUPT', message: expect.stringContaining('cut.gz') }));
  });
});

describe('findDataFile', () => {
  it('finds a name or its .gz variant in the first directory that has it', () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b.bin.gz'), gzipSync(Uint8Array.from([1])));
    expect(findDataFile([dir, join(dir, 'sub')], ['a.bin', 'b.bin'], 'test')).toBe(join(dir, 'sub', 'b.bin.gz'));
  });

  it('lists every path it tried when nothing is found', () => {
    expect(() => findDataFile([dir], ['x.bin'], 'CIFAR-10')).toThrow(/CIFAR-10.*x\.bin, .*x\.bin\.gz/);
  });
});
