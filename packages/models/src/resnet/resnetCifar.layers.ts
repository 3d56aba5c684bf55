import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ResNetCifarBackbone } from './resnetCifar.js';
import type { BasicBlock } from './basicBlock.js';
import { optionAFilter } from './shortcut.js';
import { batchNormLayer, convLayers, layerName, reluLayer, type Node } from '../export/layerOps.js';

/** Option A as the fixed stride-2 1×1 conv optionAShortcut runs (a plain tfjs layer, so exports need no lt op). */
function optionAShortcutLayer(x: Node, inChannels: number, pad: number, name: string): Node {
  const kernel = optionAFilter(inChannels, pad);
  const out = tfl.layers
    .conv2d({ filters: inChannels + 2 * pad, kernelSize: 1, strides: 2, padding: 'valid', useBias: false, trainable: false, name, weights: [kernel] })
    .apply(x) as Node;
  kernel.dispose();
  return out;
}

function blockLayers(block: BasicBlock, x: Node): Node {
  const name = block.conv1.options.name.replace(/\.conv1$/, '');
  const hidden = reluLayer(batchNormLayer(block.bn1, convLayers(block.conv1, x)), `${name}.relu1`);
  const residual = batchNormLayer(block.bn2, convLayers(block.conv2, hidden));
  const { inChannels, outChannels } = block.conv1.options;
  const shortcut =
    block.conv1.options.stride === 1 && inChannels === outChannels
      ? x
      : optionAShortcutLayer(x, inChannels, (outChannels - inChannels) / 2, layerName(`${name}.shortcut`));
  const sum = tfl.layers.add({ name: layerName(`${name}.add`) }).apply([residual, shortcut]) as Node;
  return reluLayer(sum, `${name}.relu2`);
}

/** A CIFAR ResNet as tf.layers: stem, BasicBlocks with option-A shortcuts, global average pooling. */
export function resnetCifarLayers(backbone: ResNetCifarBackbone, input: Node): Node {
  let out = reluLayer(batchNormLayer(backbone.bn1, convLayers(backbone.conv1, input)), 'backbone.relu1');
  for (const block of backbone.blocks) out = blockLayers(block, out);
  return tfl.layers.globalAveragePooling2d({ name: 'backbone_pool' }).apply(out) as Node;
}
