import { describe, expect, it } from 'vitest';
import { indicesSha256, splitManifest } from './splitManifest.js';

describe('indicesSha256', () => {
  it('hashes the indices as little-endian int32 (values from Python struct.pack("<i") + hashlib)', () => {
    expect(indicesSha256(Int32Array.from([0, 1, 2]))).toBe('ad5dc1478de06a4c2728ea528bd9361a4b945e92a414bf4d180cedaaeaa5f4cc');
    expect(indicesSha256([5, -1, 70000, 3])).toBe('d446df3e12314f7c0627f5fa4318f466974ee2d66d44222255b89ab28db3002b');
  });

  it('changes when one index changes', () => {
    expect(indicesSha256([0, 1, 3])).not.toBe(indicesSha256([0, 1, 2]));
  });
});

describe('splitManifest', () => {
  it('records the split and the checksum of its indices', () => {
    const manifest = splitManifest({
      dataset: 'mnist-lt',
      imbalanceFactor: 100,
      selection: 'first',
      seed: 7,
      classCounts: [2, 1],
      testCount: 10,
      source: 'test',
      indices: Int32Array.from([0, 1, 2]),
    });
    expect(manifest).toEqual({
      dataset: 'mnist-lt',
      imbalanceFactor: 100,
      selection: 'first',
      seed: 7,
      classCounts: [2, 1],
      testCount: 10,
      indicesSha256: 'ad5dc1478de06a4c2728ea528bd9361a4b945e92a414bf4d180cedaaeaa5f4cc',
      source: 'test',
    });
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });
});
