import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assignWeights, createRng, LtError, readCheckpoint, type Backbone, type ClassifierHead, type ModelSpec, type RunManifest } from '@lt/core';
import {
  cnn,
  identity,
  mlp,
  resnet10,
  resnet50,
  resnetCifar,
  resnext50,
  tfjsModel,
  type CnnOptions,
  type MlpOptions,
  type ResNetCifarOptions,
  type ResNetImageNetOptions,
  type ResNeXtOptions,
  type TfjsModelOptions,
} from '@lt/models';
import { rebuildHead, type HeadConfig } from './heads.js';

/** A run's trained model, rebuilt from its manifest and one stage's checkpoint. */
export interface RebuiltModel {
  readonly manifest: RunManifest;
  readonly stage: string;
  readonly backbone: Backbone;
  readonly head: ClassifierHead;
  /** Frees the model's variables. */
  dispose(): void;
}

/** The model spec a manifest names (the built-in models; the ImageNet-size ones score with lt evaluate, exporting them needs their layers registered). */
function modelSpec(name: string, options: Readonly<Record<string, unknown>>): ModelSpec {
  if (name === 'cnn') return cnn(options as CnnOptions);
  if (name === 'mlp') return mlp(options as MlpOptions);
  if (name === 'resnet10') return resnet10(options as ResNetImageNetOptions);
  if (name === 'resnet50') return resnet50(options as ResNetImageNetOptions);
  if (name === 'resnext50') return resnext50(options as ResNeXtOptions);
  if (name.startsWith('resnet')) return resnetCifar(options as ResNetCifarOptions);
  if (name === 'identity') return identity();
  if (name === 'tfjs') return tfjsModel(options as unknown as TfjsModelOptions);
  throw new LtError('EXPORT_UNSUPPORTED', `cannot rebuild model '${name}' for export (known: cnn, mlp, resnet*, resnext50, tfjs, identity)`);
}

/** Reads RUN_DIR/manifest.json; an error naming the file when it is missing or from an older lt. */
export async function readManifest(runDir: string): Promise<RunManifest> {
  const path = join(runDir, 'manifest.json');
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as RunManifest;
  } catch (error) {
    throw new LtError('EXPORT_RUN', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (give a run directory written by lt train)`);
  }
  if (manifest.info === undefined) {
    throw new LtError('EXPORT_RUN', `${path} has no dataset info (image shape, classes): it was written by an lt older than export; train the run again`);
  }
  return manifest;
}

/** Rebuilds the model of `stage` (default: the run's last stage) with the checkpoint's weights. */
export async function rebuildModel(runDir: string, stage?: string): Promise<RebuiltModel> {
  const manifest = await readManifest(runDir);
  const stages = manifest.stages.map((s) => String(s.name));
  const chosen = stage ?? stages[stages.length - 1];
  if (!stages.includes(chosen)) {
    throw new LtError('EXPORT_STAGE', `run ${runDir} has no stage '${chosen}' (stages: ${stages.join(', ')})`);
  }
  const dir = join(runDir, 'checkpoints', chosen);
  const { json, weights } = await readCheckpoint<{ completed?: boolean }>(dir);
  try {
    const topology = json.modelTopology as { head?: HeadConfig; headName?: string };
    if (topology.head === undefined) throw new LtError('EXPORT_RUN', `${join(dir, 'model.json')} records no classifier head`);
    const spec = modelSpec(manifest.model.name, manifest.model.options);
    await spec.load?.();
    const parts = spec.build({ info: manifest.info, rng: createRng(0) });
    const head = rebuildHead(topology.head, topology.headName ?? 'head');
    for (const p of parts.head.parameters()) p.variable.dispose();
    assignWeights([...parts.backbone.parameters(), ...parts.backbone.buffers(), ...head.parameters(), ...head.buffers()], weights, dir);
    // Taken now: an exported tfjs backbone shares (and its disposal frees) the loaded model's layers.
    const variables = [...parts.backbone.parameters(), ...parts.backbone.buffers(), ...head.parameters()].map((p) => p.variable);
    return { manifest, stage: chosen, backbone: parts.backbone, head, dispose: () => tf.dispose(variables) };
  } finally {
    tf.dispose(Object.values(weights));
  }
}
