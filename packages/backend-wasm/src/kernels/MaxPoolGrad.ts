import {
  backend_util,
  MaxPoolGrad,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelComposer } from './compose.js';

/** [n, h, w, c] → [n, h·sh, w·sw, c]: sh − 1 zero rows after every row, sw − 1 zero columns after every column. */
function zeroInterleave(k: KernelComposer, x: TensorInfo, [n, h, w, c]: readonly number[], sh: number, sw: number): TensorInfo {
  const byRow = k.run('Reshape', { x }, { shape: [n, h, 1, w * c] });
  const rows = k.run('PadV2', { x: byRow }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0]], constantValue: 0 });
  const byColumn = k.run('Reshape', { x: rows }, { shape: [n * h * sh, w, 1, c] });
  const cols = k.run('PadV2', { x: byColumn }, { paddings: [[0, 0], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
  const result = k.run('Reshape', { x: cols }, { shape: [n, h * sh, w * sw, c] });
  k.release(byRow, rows, byColumn, cols);
  return result;
}

/**
 * The gradient of a 2-D max-pool (NHWC) from forward kernels, for backends whose own is wrong: tfjs-backend-wasm
 * 4.22's MaxPoolGrad loses gradient with several channels on odd sizes (ResNet's 3×3/2 pad-1 stem pool).
 * For each window offset (a, b), the strided view of the −∞-padded input equals the pooled output where that
 * offset holds the max; the first such offset in row-major order takes dy (TensorFlow's and PyTorch's tie rule),
 * and its share is spread back by zero-interleaving with the stride and shifting by (a, b).
 */
export function maxPoolGradFor(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize: n, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
    const { filterHeight: kh, filterWidth: kw } = info;
    const { top, left } = info.padInfo;
    // A canvas every shifted, interleaved window fits in, covering the padded input.
    const canvasHeight = Math.max(kh - 1 + outHeight * sh, top + inHeight);
    const canvasWidth = Math.max(kw - 1 + outWidth * sw, left + inWidth);
    const k = new KernelComposer(backend as KernelBackend, backendName);
    const padded = k.run(
      'PadV2',
      { x: input },
      { paddings: [[0, 0], [top, canvasHeight - top - inHeight], [left, canvasWidth - left - inWidth], [0, 0]], constantValue: -Infinity },
    );
    let remaining: TensorInfo = k.run('OnesLike', { x: output }, {});
    let dx: TensorInfo | undefined;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const view = k.run(
          'StridedSlice',
          { x: padded },
          {
            begin: [0, a, b, 0],
            end: [n, a + (outHeight - 1) * sh + 1, b + (outWidth - 1) * sw + 1, c],
            strides: [1, sh, sw, 1],
            beginMask: 0,
            endMask: 0,
            ellipsisMask: 0,
            newAxisMask: 0,
            shrinkAxisMask: 0,
          },
        );
        const equal = k.run('Equal', { a: view, b: output }, {});
        const isMax = k.run('Cast', { x: equal }, { dtype: 'float32' });
        const takes = k.run('Multiply', { a: isMax, b: remaining }, {});
        const stillFree = k.run('Sub', { a: remaining, b: takes }, {});
        const share = k.run('Multiply', { a: takes, b: dy }, {});
        const spread = zeroInterleave(k, share, [n, outHeight, outWidth, c], sh, sw);
        const placed = k.run(
          'PadV2',
          { x: spread },
          { paddings: [[0, 0], [a, canvasHeight - a - outHeight * sh], [b, canvasWidth - b - outWidth * sw], [0, 0]], constantValue: 0 },
        );
        // Free each offset's canvas-sized temporaries at once: at 224 px they would otherwise fill the wasm heap.
        k.release(view, equal, isMax, takes, remaining, share, spread);
        remaining = stillFree;
        if (dx === undefined) {
          dx = placed;
        } else {
          const sum = k.run('Add', { a: dx, b: placed }, {});
          k.release(dx, placed);
          dx = sum;
        }
      }
    }
    return k.finish(k.run('Slice', { x: dx! }, { begin: [0, top, left, 0], size: [n, inHeight, inWidth, c] }));
  };
  return { kernelName: MaxPoolGrad, backendName, kernelFunc: kernelFunc as KernelFunc };
}
