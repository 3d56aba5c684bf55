import * as tf from '@tensorflow/tfjs-core';
import { conv2d, LtError, type Conv2DPad } from '@lt/core';

/**
 * A grouped 2-D convolution (PyTorch `groups`; tf.conv2d has none): input channels and output channels are cut
 * into `groups` equal slices and slice g of the output sees only slice g of the input. `filter` is
 * [kh, kw, cin/groups, cout], output channel o belonging to group ⌊o·groups/cout⌋ as in PyTorch. Runs one
 * @lt/core conv2d per group and concatenates, so the gradient is made of forward convs and trains on wasm.
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
  if (groups === 1) return conv2d(x, filter, stride, pad);
  return tf.tidy(() => {
    const inputs = tf.split<tf.Tensor4D>(x, groups, 3);
    const filters = tf.split<tf.Tensor4D>(filter, groups, 3);
    return tf.concat(
      inputs.map((input, g) => conv2d(input, filters[g], stride, pad)),
      3,
    );
  });
}
