import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { LtError, type Backbone, type ClassifierHead } from '@lt/core';
import { backboneLayers } from './backboneLayers.js';
import { denseFromWeights } from './layerOps.js';

/**
 * A trained backbone + head as one tfjs LayersModel: NHWC images of `imageShape` in, logits out. The head is
 * folded into a plain dense layer named `head` (ClassifierHead.foldToDense), so the model needs no lt code.
 */
export function toLayersModel(parts: { backbone: Backbone; head: ClassifierHead }, imageShape: readonly [number, number, number]): tfl.LayersModel {
  const { backbone, head } = parts;
  if (head.foldToDense === undefined) {
    throw new LtError(
      'HEAD_NOT_FOLDABLE',
      `cannot export: the classifier head of kind '${String(head.config.kind)}' has no foldToDense (it is not one dense layer)`,
    );
  }
  const { input, features } = backboneLayers(backbone, imageShape);
  const folded = head.foldToDense();
  const logits = denseFromWeights(folded.weight, folded.bias, 'head', features);
  tf.dispose([folded.weight, folded.bias]);
  return tfl.model({ inputs: input, outputs: logits, name: 'lt_export' });
}
