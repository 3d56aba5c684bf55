import * as tfl from '@tensorflow/tfjs-layers';
import type { MlpBackbone } from './mlp.js';
import { denseLayer, reluLayer, type Node } from './export/layerOps.js';

/** The MLP as tf.layers: flatten → (dense → ReLU)×n. */
export function mlpLayers(backbone: MlpBackbone, input: Node): Node {
  let out = tfl.layers.flatten({ name: 'backbone_flatten' }).apply(input) as Node;
  backbone.layers.forEach((layer, i) => {
    out = reluLayer(denseLayer(layer, out), `backbone.fc${i + 1}_relu`);
  });
  return out;
}
