import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { assignWeights, readCheckpoint, saveCheckpoint } from './checkpoint.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-ckpt-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('checkpoints', () => {
  it('round-trips named variables through model.json + weights.bin in the tfjs layout', async () => {
    const root = await tempDir();
    const a = tf.variable(tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
    const b = tf.variable(tf.tensor1d([-1, 0.5]));
    const dir = join(root, 'stage1');
    await saveCheckpoint(dir, [{ name: 'head.weight', variable: a }, { name: 'head.bias', variable: b }], { model: 'x' }, { epoch: 3 });
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(['head.weight', 'head.bias']);

    const a2 = tf.variable(tf.zeros([2, 3]));
    const b2 = tf.variable(tf.zeros([2]));
    const { json: loaded, weights } = await readCheckpoint<{ epoch: number }>(dir);
    expect(loaded.userDefinedMetadata.epoch).toBe(3);
    assignWeights([{ name: 'head.weight', variable: a2 }, { name: 'head.bias', variable: b2 }], weights, dir);
    expect(Array.from(a2.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(b2.dataSync())).toEqual([-1, 0.5]);
    tf.dispose([a, b, a2, b2, ...Object.values(weights)]);
  });

  it('replaces an existing checkpoint without leaving temp folders behind', async () => {
    const root = await tempDir();
    const v = tf.variable(tf.scalar(1));
    const dir = join(root, 'c');
    await saveCheckpoint(dir, [{ name: 'v', variable: v }], {}, {});
    v.assign(tf.scalar(2));
    await saveCheckpoint(dir, [{ name: 'v', variable: v }], {}, {});
    expect(await readdir(root)).toEqual(['c']);
    const { weights } = await readCheckpoint(dir);
    expect(weights.v.dataSync()[0]).toBe(2);
    tf.dispose([v, ...Object.values(weights)]);
  });

  it('names the file when weights are truncated, and the weight when a shape differs', async () => {
    const root = await tempDir();
    const v = tf.variable(tf.ones([4]));
    await saveCheckpoint(root + '/c', [{ name: 'v', variable: v }], {}, {});
    const { weights } = await readCheckpoint(root + '/c');
    const wrong = tf.variable(tf.zeros([3]));
    expect(() => assignWeights([{ name: 'v', variable: wrong }], weights, 'ckpt')).toThrow(/'v' has shape \[4\], the model needs \[3\]/);
    expect(() => assignWeights([{ name: 'w', variable: wrong }], weights, 'ckpt')).toThrow(/ckpt has no weight 'w'/);
    await truncate(join(root, 'c', 'weights.bin'), 6);
    await expect(readCheckpoint(root + '/c')).rejects.toThrow(/weights\.bin has 6 bytes, the manifest needs 16/);
    await expect(readCheckpoint(root + '/missing')).rejects.toThrow(/cannot read checkpoint/);
    tf.dispose([v, wrong, ...Object.values(weights)]);
  });

  it('refuses two variables with one name', async () => {
    const root = await tempDir();
    const v = tf.variable(tf.scalar(1));
    await expect(saveCheckpoint(root + '/c', [{ name: 'v', variable: v }, { name: 'v', variable: v }], {}, {})).rejects.toThrow(
      /two variables are both named 'v'/,
    );
    v.dispose();
  });
});
