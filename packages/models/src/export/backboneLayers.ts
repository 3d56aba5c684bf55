import { LtError, type Backbone } from '@lt/core';
import { CnnBackbone } from '../cnn.js';
import { MlpBackbone } from '../mlp.js';
import { ResNetCifarBackbone } from '../resnet/resnetCifar.js';
import { cnnLayers } from '../cnn.layers.js';
import { mlpLayers } from '../mlp.layers.js';
import { resnetCifarLayers } from '../resnet/resnetCifar.layers.js';
import { IdentityBackbone } from '../identity.js';
import { identityLayers } from '../identity.layers.js';
import type { Node } from './layerOps.js';
import { TfjsBackbone } from '../tfjs/tfjsBackbone.js';
import * as tfl from '@tensorflow/tfjs-layers';

/** Rebuilds a trained backbone as tf.layers on `input` (eval mode), returning the features node [B, D]. */
export type BackboneLayersBuilder<B extends Backbone> = (backbone: B, input: Node) => Node;

// Keyed by backbone class: each model's builder lives next to the model (`<model>.layers.ts`).
type BackboneClass = abstract new (...args: never[]) => Backbone;
const builders = new Map<BackboneClass, BackboneLayersBuilder<Backbone>>();

/** Registers how a backbone class exports to tf.layers (for models outside @lt/models). */
export function registerBackboneLayers<B extends Backbone>(backboneClass: abstract new (...args: never[]) => B, builder: BackboneLayersBuilder<B>): void {
  builders.set(backboneClass, builder as BackboneLayersBuilder<Backbone>);
}

registerBackboneLayers(CnnBackbone, cnnLayers);
registerBackboneLayers(MlpBackbone, mlpLayers);
registerBackboneLayers(ResNetCifarBackbone, resnetCifarLayers);
registerBackboneLayers(IdentityBackbone, identityLayers);

/**
 * The backbone as tf.layers: an image input and the features node. A tfjs backbone is its loaded model's own
 * graph up to the features; an lt backbone is rebuilt on a new input. An LtError when no builder is registered.
 */
export function backboneLayers(backbone: Backbone, imageShape: readonly [number, number, number]): { input: Node; features: Node } {
  if (backbone instanceof TfjsBackbone) return { input: backbone.input, features: backbone.features };
  for (const [backboneClass, builder] of builders) {
    if (backbone instanceof backboneClass) {
      const input = tfl.input({ shape: [...imageShape], name: 'image' });
      return { input, features: builder(backbone, input) };
    }
  }
  throw new LtError(
    'EXPORT_UNSUPPORTED',
    `cannot export backbone ${backbone.constructor.name} as a tfjs LayersModel: it has no tf.layers builder (see registerBackboneLayers in @lt/models)`,
  );
}
