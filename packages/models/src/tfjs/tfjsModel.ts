import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LtError, type ModelSpec } from '@lt/core';
import { directoryLoadHandler } from '../export/modelDirectory.js';
import { linearHead, linearHeadFrom } from '../linearHead.js';
import { rejectUnknownOptions } from '../options.js';
import { cutFeatures, TfjsBackbone } from './tfjsBackbone.js';

/** Options of `tfjsModel`: where the saved model is and where its features are taken. */
export interface TfjsModelOptions {
  /** Folder holding the tfjs model: `model.json` + its weight shards. */
  readonly path: string;
  /** The layer whose output are the features; default: the input of the last dense layer. */
  readonly featureLayer?: string;
}

/** Reads a tfjs LayersModel from a folder; a GraphModel is refused with what to do instead. */
export async function loadTfjsLayersModel(dir: string): Promise<tfl.LayersModel> {
  const jsonPath = join(dir, 'model.json');
  let format: unknown;
  try {
    format = (JSON.parse(await readFile(jsonPath, 'utf8')) as { format?: unknown }).format;
  } catch {
    format = undefined; // directoryLoadHandler reports the unreadable file.
  }
  if (format === 'graph-model') {
    throw new LtError(
      'MODEL_GRAPH',
      `${jsonPath} is a tfjs GraphModel (a converted TensorFlow graph): lt takes LayersModels, whose layers it can cut at a feature layer and export again. Save the model with tf.layers (model.save) or convert it with tensorflowjs_converter --output_format tfjs_layers_model`,
    );
  }
  return tfl.loadLayersModel(directoryLoadHandler(dir));
}

/**
 * A saved tfjs LayersModel as lt's model (`tfjs`): the backbone is the model up to its features, the head its
 * last dense layer (when that layer reads the features and has one unit per class) or a new linear head.
 */
export function tfjsModel(options: TfjsModelOptions): ModelSpec {
  rejectUnknownOptions('tfjs', options, ['path', 'featureLayer']);
  if (typeof options.path !== 'string' || options.path === '') {
    throw new LtError('models/options', `tfjs: path must be the folder holding model.json, got ${JSON.stringify(options.path)}`);
  }
  const path = resolve(options.path);
  let loaded: tfl.LayersModel | undefined;
  return {
    name: 'tfjs',
    options: Object.freeze({ path, ...(options.featureLayer !== undefined && { featureLayer: options.featureLayer }) }),
    async load() {
      loaded ??= await loadTfjsLayersModel(path);
    },
    build({ info, rng }) {
      if (loaded === undefined) throw new LtError('MODEL_NOT_LOADED', `tfjs model ${path}: call load() before build()`);
      const source = join(path, 'model.json');
      const input = loaded.inputs[0];
      const expected = [...info.imageShape];
      if (loaded.inputs.length !== 1 || input.shape.length !== 4 || input.shape.slice(1).some((d, i) => d !== null && d !== expected[i])) {
        throw new LtError(
          'MODEL_INPUT',
          `${source} takes input [${input.shape.map(String).join(', ')}] but the dataset's images are [batch, ${expected.join(', ')}] (NHWC): use a dataset of that size or a model for it`,
        );
      }
      const { features, classifier } = cutFeatures(loaded, options.featureLayer, source);
      const backbone = new TfjsBackbone(input, features, source);
      const [kernel, bias] = classifier?.getWeights() ?? [];
      if (classifier === undefined || kernel.shape[1] !== info.numClasses) {
        return { backbone, head: linearHead({ name: 'head', featureDim: backbone.featureDim, numClasses: info.numClasses, rng: rng.fork('head') }), extras: {} };
      }
      const weight = tf.tidy(() => tf.transpose(kernel).arraySync() as number[][]);
      const biasValues = bias === undefined ? new Float32Array(info.numClasses) : bias.dataSync();
      return { backbone, head: linearHeadFrom({ name: 'head', weight, bias: biasValues }), extras: {} };
    },
  };
}
