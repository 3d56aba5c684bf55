import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { KernelComposer } from './compose.js';

/**
 * The filter gradient of a 2-D convolution (NHWC) for backends that lack it (wasm), built from the backend's own
 * forward kernels: dW[kh, kw, ci, co] = Σ_{n,h,w} x_pad[n, h·s + kh, w·s + kw, ci] · dy[n, h, w, co] is a
 * convolution of x_pad (channels as batch, batch as channels) with dy as a kernel dilated by the stride.
 */
export function conv2DBackpropFilterFor(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
      throw new Error(`lt: Conv2DBackpropFilter on ${backendName} supports NHWC only, got ${dataFormat}`);
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    const k = new KernelComposer(backend as KernelBackend, backendName);
    const padded =
      top + bottom + left + right > 0
        ? k.run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })
        : x;
    const channelsAsBatch = k.run('Transpose', { x: padded }, { perm: [3, 1, 2, 0] });
    const dyAsFilter = k.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const full = k.run(
      'Conv2D',
      { x: channelsAsBatch, filter: dyAsFilter },
      { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
    );
    const [kh, kw, inChannels, outChannels] = filterShape;
    // Padding past the last window (valid / explicit pads) makes the result larger than the filter: crop it.
    const cropped =
      full.shape[1] === kh && full.shape[2] === kw
        ? full
        : k.run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [inChannels, kh, kw, outChannels] });
    return k.finish(k.run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] }));
  };
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc: kernelFunc as KernelFunc };
}
