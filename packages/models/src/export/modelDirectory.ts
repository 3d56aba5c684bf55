import * as tf from '@tensorflow/tfjs-core';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LtError } from '@lt/core';

/** The weight file a saved model's manifest points at. */
const weightsFile = 'weights.bin';

/**
 * A tfjs IOHandler that writes `model.json` + `weights.bin` into an existing folder (tfjs-core has no file
 * handler without tfjs-node); pass it to `LayersModel.save`.
 */
export function directorySaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson: tf.io.ModelJSON = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
      weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.userDefinedMetadata !== undefined && { userDefinedMetadata: artifacts.userDefinedMetadata }),
    };
    await writeFile(join(dir, weightsFile), new Uint8Array(weightData));
    await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(modelJson) };
  });
}

/**
 * A tfjs IOHandler that loads `model.json` and its weight shards from a folder in Node; a missing or short
 * file is an LtError naming it.
 */
export function directoryLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const jsonPath = join(dir, 'model.json');
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
        throw new LtError('MODEL_READ', `cannot read ${jsonPath}: ${reason} (a tfjs model folder holds model.json and its weight shards)`);
      }
      if (modelJson.modelTopology === undefined || !Array.isArray(modelJson.weightsManifest)) {
        throw new LtError('MODEL_FORMAT', `${jsonPath} is not a tfjs model.json: it needs modelTopology and weightsManifest`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const shards: ArrayBuffer[] = [];
        for (const path of manifest.flatMap((group) => group.paths)) {
          const file = join(dir, path);
          try {
            const bytes = await readFile(file);
            shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          } catch (error) {
            throw new LtError('MODEL_READ', `cannot read weight shard ${file} listed in ${jsonPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
          }
        }
        const data = tf.io.CompositeArrayBuffer.join(shards);
        const needed = specs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * bytesPerElement(spec, jsonPath), 0);
        if (data.byteLength < needed) {
          throw new LtError('MODEL_TRUNCATED', `the weight shards of ${jsonPath} hold ${data.byteLength} bytes, the manifest needs ${needed}`);
        }
        return [specs, data];
      });
    },
  };
}

function bytesPerElement(spec: tf.io.WeightsManifestEntry, jsonPath: string): number {
  if (spec.quantization !== undefined) return spec.quantization.dtype === 'uint8' ? 1 : 2;
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  if (spec.dtype === 'bool') return 1;
  throw new LtError('MODEL_FORMAT', `${jsonPath}: weight '${spec.name}' has dtype ${spec.dtype}, which lt cannot read`);
}
