import * as tfl from '@tensorflow/tfjs-layers';
import type { CnnBackbone } from './cnn.js';
import { batchNormLayer, convLayers, denseLayer, reluLayer, type Node } from './export/layerOps.js';

/** The small CNN as tf.layers: (pad → conv → BN → ReLU)×n → flatten → dense → ReLU (NHWC flatten order, as lt). */
export function cnnLayers(backbone: CnnBackbone, input: Node): Node {
  let out = input;
  backbone.layers.forEach(({ conv, bn }, i) => {
    out = reluLayer(batchNormLayer(bn, convLayers(conv, out)), `backbone.relu${i + 1}`);
  });
  const flat = tfl.layers.flatten({ name: 'backbone_flatten' }).apply(out) as Node;
  return reluLayer(denseLayer(backbone.dense, flat), 'backbone.fc_relu');
}
