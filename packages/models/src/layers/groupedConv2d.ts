import * as tf from '@tensorflow/tfjs-core';
import { conv2d, LtError, type Conv2DPad } from '@lt/core';

/**
 * A grouped 2-D convolution (PyTorch `groups`; tf.conv2d has none): input channels and output channels are cut
 * into `groups` equal slices and slice g of the output sees only slice g of the input. `filter` is
 * [kh, kw, cin/groups, cout], output channel o belonging to group ⌊o·groups/cout⌋ as in PyTorch. @lt/core's conv2d
 * with `groups`: one kernel per pass on webgpu, one conv2d per group elsewhere.
 */
export function groupedConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, groups: number, stride: number, pad: Conv2DPad): tf.Tensor4D {
  const inChannels = x.shape[3];
  const [, , groupInChannels, outChannels] = filter.shape;
  if (!Number.isInteger(groups) || groups < 1 || inChannels !== groupInChannels * groups || outChannels % groups !== 0) {
    throw new LtError(
      'models/groups',
      `groupedConv2d: ${groups} groups need input channels = groups × filter channels and output channels ` +
        `divisible by groups, got input ${inChannels}, filter [${filter.shape.join(', ')}]`,
    );
  }
  return conv2d(x, filter, stride, pad, groups);
}
