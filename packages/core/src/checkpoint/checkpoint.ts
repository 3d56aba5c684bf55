import * as tf from '@tensorflow/tfjs-core';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamedVariable } from '../types/model.js';
import { LtError } from '../errors.js';
import { replaceDirAtomic } from './atomic.js';

/** The model.json of an lt checkpoint: the tfjs model-artifacts layout (topology + weights manifest). */
export interface CheckpointJson<M> {
  readonly format: 'lt-checkpoint';
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: Readonly<Record<string, unknown>>;
  readonly weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  readonly userDefinedMetadata: M;
}

/**
 * Saves variables as a tfjs checkpoint (`model.json` + `weights.bin`) in `dir`, replacing any previous one
 * atomically. `topology` describes the model; `metadata` is free-form JSON (e.g. training state).
 */
export async function saveCheckpoint<M>(
  dir: string,
  variables: readonly NamedVariable[],
  topology: Readonly<Record<string, unknown>>,
  metadata: M,
): Promise<void> {
  const names = new Set<string>();
  for (const { name } of variables) {
    if (names.has(name)) throw new LtError('CHECKPOINT_DUPLICATE', `two variables are both named '${name}'`);
    names.add(name);
  }
  const { data, specs } = await tf.io.encodeWeights(variables.map(({ name, variable }) => ({ name, tensor: variable })));
  const json: CheckpointJson<M> = {
    format: 'lt-checkpoint',
    generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: null,
    modelTopology: topology,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: metadata,
  };
  await replaceDirAtomic(dir, async (temp) => {
    await writeFile(join(temp, 'weights.bin'), new Uint8Array(data));
    await writeFile(join(temp, 'model.json'), JSON.stringify(json, null, 1));
  });
}

/** Reads a checkpoint's JSON and its weights (caller disposes the tensors). */
export async function readCheckpoint<M>(dir: string): Promise<{ json: CheckpointJson<M>; weights: tf.NamedTensorMap }> {
  const jsonPath = join(dir, 'model.json');
  let json: CheckpointJson<M>;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as CheckpointJson<M>;
  } catch (error) {
    throw new LtError('CHECKPOINT_READ', `cannot read checkpoint ${jsonPath}: ${(error as Error).message}`);
  }
  if (json.format !== 'lt-checkpoint' || !Array.isArray(json.weightsManifest)) {
    throw new LtError('CHECKPOINT_FORMAT', `${jsonPath} is not an lt checkpoint (format '${String(json.format)}')`);
  }
  const weights: tf.NamedTensorMap = {};
  for (const group of json.weightsManifest) {
    const buffers = await Promise.all(group.paths.map((p) => readFile(join(dir, p))));
    const bytes = Buffer.concat(buffers);
    const expected = group.weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
    if (bytes.byteLength !== expected) {
      throw new LtError(
        'CHECKPOINT_TRUNCATED',
        `${join(dir, group.paths[0])} has ${bytes.byteLength} bytes, the manifest needs ${expected}`,
      );
    }
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    Object.assign(weights, tf.io.decodeWeights(buffer, group.weights));
  }
  return { json, weights };
}

/** Assigns saved tensors to variables by name; a missing name or a shape mismatch is an error naming it. */
export function assignWeights(variables: readonly NamedVariable[], weights: tf.NamedTensorMap, source: string): void {
  for (const { name, variable } of variables) {
    const saved = weights[name];
    if (saved === undefined) throw new LtError('CHECKPOINT_MISSING', `${source} has no weight '${name}'`);
    if (saved.shape.join('x') !== variable.shape.join('x')) {
      throw new LtError(
        'CHECKPOINT_SHAPE',
        `${source}: weight '${name}' has shape [${saved.shape}], the model needs [${variable.shape}]`,
      );
    }
    variable.assign(saved);
  }
}
