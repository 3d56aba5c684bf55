import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfjs from '@tensorflow/tfjs';
import { createRng, LtError, selectBackend, type Backbone, type ModelParts, type ModelSpec } from '@lt/core';
import { cnn } from '../cnn.js';
import { mlp } from '../mlp.js';
import { resnetCifar } from '../resnet/resnetCifar.js';
import { datasetInfo, disposeParts } from '../train.test-util.js';
import { toLayersModel } from './layersModel.js';
import { directoryLoadHandler, directorySaveHandler } from './modelDirectory.js';

/** Moves every variable off its initial value (BN running stats included) so a mis-mapped weight shows. */
function perturb(parts: ModelParts, seed: number): void {
  const rng = createRng(seed);
  for (const { name, variable } of [...parts.backbone.parameters(), ...parts.backbone.buffers(), ...parts.head.parameters()]) {
    const noise = Float32Array.from({ length: variable.size }, () => rng.next() - 0.5);
    tf.tidy(() => {
      const delta = tf.tensor(noise, variable.shape);
      // Running variances stay positive.
      variable.assign(name.endsWith('running_var') ? tf.add(tf.abs(delta), 1) : tf.add(variable, tf.mul(delta, 0.2)));
    });
  }
}

const cases: Array<[string, ModelSpec, [number, number, number]]> = [
  ['cnn', cnn({ channels: [4, 6], hidden: 8 }), [9, 9, 1]],
  ['mlp', mlp({ hidden: [7, 5] }), [4, 4, 2]],
  ['resnet8-standard', resnetCifar({ depth: 8 }), [8, 8, 3]],
  ['resnet8-wide (odd size)', resnetCifar({ depth: 8, width: 'wide' }), [7, 7, 3]],
];

describe('toLayersModel', () => {
  let dir: string;
  beforeAll(async () => {
    await selectBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'lt-export-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(cases)('%s: the saved model, loaded with @tensorflow/tfjs alone, gives lt’s logits to 1e-5', async (name, spec, shape) => {
    const parts = spec.build({ info: datasetInfo(shape, 4), rng: createRng(1) });
    perturb(parts, 2);
    const x = tf.randomUniform([3, ...shape], 0, 1, 'float32', 3) as tf.Tensor4D;
    const expected = tf.tidy(() => parts.head.apply(parts.backbone.apply(x, 'eval')));
    const before = tf.memory().numTensors;
    const model = toLayersModel(parts, shape);
    const out = join(dir, name.replace(/\W/g, '_'));
    await mkdir(out, { recursive: true });
    await model.save(directorySaveHandler(out));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8')) as tfjs.io.ModelJSON;
    const bytes = await readFile(join(out, json.weightsManifest[0].paths[0]));
    const loaded = await tfjs.loadLayersModel(
      tfjs.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      }),
    );
    const logits = loaded.predict(x) as tf.Tensor;
    expect(logits.shape).toEqual([3, 4]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(logits, expected))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, expected, logits]);
    loaded.dispose();
    disposeParts(parts);
  });

  it('reads a saved model back through directoryLoadHandler, and names a missing shard', async () => {
    const parts = mlp({ hidden: [3] }).build({ info: datasetInfo([2, 2, 1], 2), rng: createRng(0) });
    const out = join(dir, 'roundtrip');
    await mkdir(out, { recursive: true });
    const model = toLayersModel(parts, [2, 2, 1]);
    await model.save(directorySaveHandler(out));
    model.dispose();
    const loaded = await tfjs.loadLayersModel(directoryLoadHandler(out));
    expect(loaded.layers.map((l) => l.name)).toContain('head');
    loaded.dispose();
    await rm(join(out, 'weights.bin'));
    await expect(tfjs.loadLayersModel(directoryLoadHandler(out))).rejects.toThrow(/weight shard .*weights\.bin/);
    await expect(tfjs.loadLayersModel(directoryLoadHandler(join(dir, 'nowhere')))).rejects.toThrow(/nowhere.model\.json: no such file/);
    disposeParts(parts);
  });

  it('refuses a head that cannot fold into a dense layer, naming its kind', () => {
    const parts = mlp({ hidden: [3] }).build({ info: datasetInfo([2, 2, 1], 2), rng: createRng(0) });
    const { backbone, head } = parts;
    const cosine = { ...head, config: { kind: 'cosine' }, parameters: () => head.parameters(), buffers: () => [], apply: (f: tf.Tensor2D) => head.apply(f), weightNorms: () => [], foldToDense: undefined };
    expect(() => toLayersModel({ backbone, head: cosine }, [2, 2, 1])).toThrow(/head of kind 'cosine' has no foldToDense/);
    disposeParts(parts);
  });

  it('refuses a backbone it has no builder for, naming it', () => {
    const odd: Backbone = { name: 'backbone', featureDim: 2, apply: () => tf.zeros([1, 2]), parameters: () => [], buffers: () => [] };
    const head = mlp().build({ info: datasetInfo([1, 1, 2], 2), rng: createRng(0) }).head;
    expect(() => toLayersModel({ backbone: odd, head }, [1, 1, 2])).toThrow(LtError);
    expect(() => toLayersModel({ backbone: odd, head }, [1, 1, 2])).toThrow(/Object .*no tf.layers builder/);
  });
});
