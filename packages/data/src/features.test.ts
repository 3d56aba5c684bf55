import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, selectBackend } from '@lt/core';
import { encodeNpy } from './npy.js';
import { features } from './features.js';

describe('features dataset', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  beforeAll(async () => {
    await selectBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'lt-features-'));
    await writeFile(file('train-x.npy'), encodeNpy(Float32Array.from({ length: 5 * 3 }, (_, i) => i), [5, 3]));
    await writeFile(file('train-y.npy'), encodeNpy(Int32Array.from([0, 0, 0, 1, 2]), [5]));
    await writeFile(file('test-x.npy'), encodeNpy(Float32Array.from({ length: 3 * 3 }, (_, i) => -i), [3, 3]));
    await writeFile(file('test-y.npy'), encodeNpy(Int32Array.from([2, 1, 0]), [3]));
    await writeFile(file('short-y.npy'), encodeNpy(Int32Array.from([0, 1]), [2]));
    await writeFile(file('wide-x.npy'), encodeNpy(new Float32Array(3 * 4), [3, 4]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = (overrides: Partial<Record<'trainY' | 'testX', string>> = {}, classNames?: string[]) =>
    features({
      train: { features: file('train-x.npy'), labels: file(overrides.trainY ?? 'train-y.npy') },
      test: { features: file(overrides.testX ?? 'test-x.npy'), labels: file('test-y.npy') },
      ...(classNames !== undefined && { classNames }),
    }).load({ rng: createRng(0), seed: 0 });

  it('serves rows as 1×1×D batches with class counts and names', async () => {
    const data = await load({}, ['cat', 'dog', 'eel']);
    expect(data.info).toEqual({ name: 'features', numClasses: 3, imageShape: [1, 1, 3], flipPreservesLabel: false, classNames: ['cat', 'dog', 'eel'] });
    expect(data.classCounts).toEqual([3, 1, 1]);
    expect(data.manifest.imbalanceFactor).toBe(3);
    const batch = data.trainBatch([4, 1], { augment: true, rng: createRng(0) });
    expect(batch.shape).toEqual([2, 1, 1, 3]);
    expect(Array.from(batch.dataSync())).toEqual([12, 13, 14, 3, 4, 5]);
    const test = data.testBatch(1, 3);
    expect(Array.from(test.dataSync())).toEqual([-3, -4, -5, -6, -7, -8]);
    batch.dispose();
    test.dispose();
  });

  it('names the file for a wrong label count or feature width', async () => {
    await expect(load({ trainY: 'short-y.npy' })).rejects.toThrow(/short-y\.npy has 2 labels but .*train-x\.npy has 5 rows/);
    await expect(load({ testX: 'wide-x.npy' })).rejects.toThrow(/wide-x\.npy has 4 features per row but .*train-x\.npy has 3/);
    await expect(load({ testX: 'test-y.npy' })).rejects.toThrow(/test-y\.npy \(test features\) must be float32 \[N, D\], got <i4 \(3\)/);
    await expect(load({ trainY: 'none.npy' })).rejects.toThrow(/cannot read .*none\.npy: ENOENT/);
  });
});
