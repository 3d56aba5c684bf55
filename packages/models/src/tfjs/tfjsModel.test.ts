import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, selectBackend, type ModelParts } from '@lt/core';
import { datasetInfo, disposeParts } from '../train.test-util.js';
import { directorySaveHandler } from '../export/modelDirectory.js';
import { toLayersModel } from '../export/layersModel.js';
import { tfjsModel } from './tfjsModel.js';

/** A user's model: conv → BN → flatten → dense 'features' → dense 'classifier' (softmax). */
function userModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 1] });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn', movingVarianceInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5 }), movingMeanInitializer: 'randomNormal' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ units: 8, activation: 'relu', name: 'features' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, activation: 'softmax', name: 'classifier', biasInitializer: 'randomNormal' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('tfjsModel', () => {
  let dir: string;
  let saved: string;
  let x: tf.Tensor4D;
  let probabilities: tf.Tensor;
  beforeAll(async () => {
    await selectBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'lt-tfjs-model-'));
    saved = join(dir, 'user');
    await mkdir(saved);
    const model = userModel();
    await model.save(directorySaveHandler(saved));
    x = tf.randomUniform([4, 6, 6, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    probabilities = model.predict(x) as tf.Tensor;
    model.dispose();
  });
  afterAll(async () => {
    tf.dispose([x, probabilities]);
    await rm(dir, { recursive: true, force: true });
  });

  async function build(featureLayer?: string, shape: [number, number, number] = [6, 6, 1], numClasses = 3): Promise<ModelParts> {
    const spec = tfjsModel({ path: saved, ...(featureLayer !== undefined && { featureLayer }) });
    await spec.load!();
    return spec.build({ info: datasetInfo(shape, numClasses), rng: createRng(0) });
  }

  it('cuts at the last dense layer by default; that layer is the starting head (its logits give the model’s softmax)', async () => {
    const parts = await build();
    expect(parts.backbone.featureDim).toBe(8);
    expect(parts.backbone.hasBatchNorm).toBe(false);
    expect(parts.backbone.buffers().map((b) => b.name)).toEqual(['backbone.bn/moving_mean', 'backbone.bn/moving_variance']);
    const ours = tf.tidy(() => tf.softmax(parts.head.apply(parts.backbone.apply(x, 'recalibrate'))));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ours, probabilities))).dataSync()[0])).toBeLessThan(1e-6);
    // Exported again: the model's own graph up to the features, plus the head as a plain dense layer.
    const exported = toLayersModel(parts, [6, 6, 1]);
    expect(exported.layers.map((l) => l.name)).not.toContain('classifier');
    const logits = exported.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.softmax(logits), probabilities))).dataSync()[0])).toBeLessThan(1e-6);
    // The exported model shares the loaded model's layers: take the variables before disposing it.
    const variables = [...parts.backbone.parameters(), ...parts.backbone.buffers(), ...parts.head.parameters()].map((p) => p.variable);
    exported.dispose();
    tf.dispose([ours, logits, ...variables]);
  });

  it('takes features from a named layer; a new head when the model’s classifier does not read them', async () => {
    const same = await build('features');
    expect(same.head.weight.arraySync()).toEqual((await build()).head.weight.arraySync());
    const flat = await build('flatten');
    expect(flat.backbone.featureDim).toBe(4 * 4 * 4);
    expect(flat.head.featureDim).toBe(64);
    for (const parts of [same, flat]) disposeParts(parts);
  });

  it('names what is wrong: unknown layer (listing the layers), input shape, missing file, GraphModel', async () => {
    await expect(build('nope')).rejects.toThrow(/has no layer 'nope' \(layers: input\w*, conv, bn, flatten, features, classifier\)/);
    await expect(build(undefined, [28, 28, 1])).rejects.toThrow(/takes input \[null, 6, 6, 1\] but the dataset's images are \[batch, 28, 28, 1\]/);
    await expect(build('conv')).rejects.toThrow(/features must be \[batch, D\]/);
    const missing = tfjsModel({ path: join(dir, 'absent') });
    await expect(missing.load!()).rejects.toThrow(/absent.model\.json: no such file/);
    const graph = join(dir, 'graph');
    await mkdir(graph);
    await writeFile(join(graph, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }));
    await expect(tfjsModel({ path: graph }).load!()).rejects.toThrow(/is a tfjs GraphModel .*tfjs_layers_model/);
  });
});
