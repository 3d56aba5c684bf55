import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfjs from '@tensorflow/tfjs';
import { createRng } from '@lt/core';
import { encodeNpy } from '@lt/data';
import { train } from './train.js';
import { exportCommand } from './export.js';
import { rebuildModel } from './export/rebuildModel.js';

const sink = () => ({ write: () => true }) as unknown as NodeJS.WriteStream;

/** Gaussian clusters in D dimensions, `counts[k]` rows of class k. */
function clusters(counts: number[], dim: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const centres = counts.map((_, k) => Array.from({ length: dim }, (_, d) => (d % counts.length === k ? 2 : 0)));
  const y = Int32Array.from(counts.flatMap((n, k) => Array.from({ length: n }, () => k)));
  const x = Float32Array.from(Array.from(y).flatMap((k) => centres[k].map((c) => c + rng.normal())));
  return { x, y };
}

describe('lt train on a features dataset, then lt export', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lt-features-run-'));
    const dim = 8;
    for (const [split, counts, seed] of [['train', [200, 60, 20, 6], 1], ['test', [30, 30, 30, 30], 2]] as const) {
      const { x, y } = clusters([...counts], dim, seed);
      await writeFile(join(dir, `${split}-features.npy`), encodeNpy(x, [y.length, dim]));
      await writeFile(join(dir, `${split}-labels.npy`), encodeNpy(y, [y.length]));
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains CE then SAMN on the head alone and exports a model whose logits are lt’s', async () => {
    const config = join(dir, 'lt.yaml');
    await writeFile(
      config,
      [
        'dataset:',
        '  name: features',
        `  train: { features: ${join(dir, 'train-features.npy')}, labels: ${join(dir, 'train-labels.npy')} }`,
        `  test: { features: ${join(dir, 'test-features.npy')}, labels: ${join(dir, 'test-labels.npy')} }`,
        '  classNames: [ant, bee, cat, dog]',
        'method: ce+samn',
        'backend: cpu',
      ].join('\n'),
    );
    const runDir = join(dir, 'run');
    const out = { text: '', write(chunk: string) { this.text += chunk; return true; } };
    expect(await train(['--config', config, '--out', runDir], out as unknown as NodeJS.WriteStream, sink())).toBe(0);
    expect(out.text).toMatch(/Stage 'classifier'/);
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics.stages[1].final.top1).toBeGreaterThan(0.6);
    expect(metrics.manifest.model.name).toBe('identity');

    const exported = join(dir, 'exported');
    expect(await exportCommand([runDir, '--out', exported], sink())).toBe(0);
    const classes = JSON.parse(await readFile(join(exported, 'classes.json'), 'utf8'));
    expect(classes).toEqual({ names: ['ant', 'bee', 'cat', 'dog'], input: { height: 1, width: 1, channels: 8, mean: Array(8).fill(0), std: Array(8).fill(1) } });
    const json = JSON.parse(await readFile(join(exported, 'model.json'), 'utf8')) as tfjs.io.ModelJSON;
    const bytes = await readFile(join(exported, 'weights.bin'));
    const loaded = await tfjs.loadLayersModel(
      tfjs.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }),
    );
    const model = await rebuildModel(runDir);
    expect(model.head.config.kind).toBe('samn');
    const x = tf.randomNormal([6, 1, 1, 8], 0, 1, 'float32', 3) as tf.Tensor4D;
    const expected = tf.tidy(() => model.head.apply(model.backbone.apply(x, 'eval')));
    const logits = loaded.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(logits, expected))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([x, expected, logits]);
    loaded.dispose();
    model.dispose();
  });

  it('says which split is missing', async () => {
    const config = join(dir, 'bad.yaml');
    await writeFile(config, `dataset: { name: features, train: { features: a.npy, labels: b.npy } }\nbackend: cpu\n`);
    await expect(train(['--config', config, '--out', join(dir, 'bad')], sink(), sink())).rejects.toThrow(/dataset 'features' needs train and test.*missing test/);
  });
});
