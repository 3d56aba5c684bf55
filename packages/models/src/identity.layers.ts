import * as tfl from '@tensorflow/tfjs-layers';
import type { IdentityBackbone } from './identity.js';
import type { Node } from './export/layerOps.js';

/** The identity backbone as tf.layers: a flatten of the [1, 1, D] input. */
export function identityLayers(backbone: IdentityBackbone, input: Node): Node {
  void backbone;
  return tfl.layers.flatten({ name: 'backbone_flatten' }).apply(input) as Node;
}
