import * as tf from '@tensorflow/tfjs-core';
import { LtKernel, ltKernelActive, type LtKernelName } from './ltKernels.js';
import { LtError } from '../errors.js';
import { gradientsRecording } from './tape.js';
import { addRelu } from './relu.js';

/** Padding of a 2-D convolution: TensorFlow's `same` / `valid`, or an explicit number of zeros on every side. */
export type Conv2DPad = 'same' | 'valid' | number;

interface Geometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
}

function geometry(xShape: readonly number[], filterShape: readonly number[], stride: number, pad: Conv2DPad): Geometry {
  // tfjs's own shape logic, so the padding split for `same` is exactly the forward kernel's.
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    stride,
    1,
    pad,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    kernelHeight: info.filterHeight,
    kernelWidth: info.filterWidth,
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    stride,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
  };
}

/** Pads (positive) or crops (negative) the spatial axes of an NHWC tensor. */
function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let out = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    out = tf.pad(out, [
      [0, 0],
      [Math.max(top, 0), Math.max(bottom, 0)],
      [Math.max(left, 0), Math.max(right, 0)],
      [0, 0],
    ]);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = out.shape;
    const cropTop = Math.max(-top, 0);
    const cropLeft = Math.max(-left, 0);
    out = tf.slice(out, [0, cropTop, cropLeft, 0], [n, h - cropTop - Math.max(-bottom, 0), w - cropLeft - Math.max(-right, 0), c]);
  }
  return out;
}

/** Inserts stride−1 zeros after every row and column: [N, H, W, C] → [N, H·s, W·s, C]. */
function zeroInterleave(dy: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (stride === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const rows = tf.pad(tf.reshape(dy, [n, h, 1, w * c]), [
    [0, 0],
    [0, 0],
    [0, stride - 1],
    [0, 0],
  ]);
  const cols = tf.pad(tf.reshape(rows, [n * h * stride, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, stride - 1],
    [0, 0],
  ]);
  return tf.reshape(cols, [n, h * stride, w * stride, c]);
}

/**
 * A stride-1 convolution of `input` zero-padded (or cropped, for negative amounts) by the given rows/columns.
 * Symmetric non-negative padding goes to the conv kernel itself, which saves a pass over a large tensor.
 */
function paddedConv(
  input: tf.Tensor4D,
  filter: tf.Tensor4D,
  [top, bottom, left, right]: readonly [number, number, number, number],
  dilation: number,
): tf.Tensor4D {
  // Only for square filters: tfjs sizes numeric-pad outputs from the filter height alone.
  if (top >= 0 && top === bottom && top === left && top === right && filter.shape[0] === filter.shape[1]) {
    return tf.conv2d(input, filter, 1, top, 'NHWC', dilation);
  }
  return tf.conv2d(padOrCrop(input, top, bottom, left, right), filter, 1, 'valid', 'NHWC', dilation);
}

/**
 * Whether the active backend is wasm with lt's kernels `names` ready. The routing below (which shapes take which
 * kernel) was measured on wasm, so another backend that registers the same kernels does not inherit it.
 */
function onWasm(...names: LtKernelName[]): boolean {
  return tf.getBackend() === 'wasm' && names.every(ltKernelActive);
}

/**
 * Whether the active backend is webgpu with lt's kernels `names` registered (@lt/backend-webgpu): its implicit-GEMM
 * kernels take every shape, and each replaces several tfjs dispatches, so they take every convolution there.
 */
function onWebGPU(...names: LtKernelName[]): boolean {
  return tf.getBackend() === 'webgpu' && names.every(ltKernelActive);
}

/**
 * ∂L/∂x as a stride-1 convolution of the zero-interleaved, padded upstream gradient with the spatially
 * rotated, in/out-swapped kernel (the "full" correlation written with forward ops only).
 */
function inputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  if (winograd(g)) {
    // With stride 1 and padding 1 on every side, dx is the same 3×3 "same" convolution of dy by the rotated kernel
    // with its channel axes swapped, so it takes the Winograd kernel too (which rotates the filter as it reads it).
    return tf.engine().runKernel(LtKernel.conv2DWinograd, { x: dy, filter }, { inputGradient: true }) as tf.Tensor4D;
  }
  if ((g.inChannels % 4 === 0 && onWasm(LtKernel.conv2DInputGrad)) || onWebGPU(LtKernel.conv2DInputGrad)) {
    // lt's kernels compute dy·Wᵀ straight into dx: no zero-interleaving for strides, no rotated kernel.
    const xShape = [g.batch, g.inHeight, g.inWidth, g.inChannels];
    return tf.engine().runKernel(LtKernel.conv2DInputGrad, { dy, filter }, { xShape, stride: g.stride, padTop: g.padTop, padLeft: g.padLeft }) as tf.Tensor4D;
  }
  const spread = zeroInterleave(dy, g.stride);
  // Output row i of the valid conv reads padded rows i..i+kh−1; row i must be input row i, which sits at
  // row i+padTop of the forward's padded input, so the spread gradient starts kh−1−padTop rows in.
  const top = g.kernelHeight - 1 - g.padTop;
  const left = g.kernelWidth - 1 - g.padLeft;
  const bottom = g.inHeight + g.kernelHeight - 1 - top - spread.shape[1];
  const right = g.inWidth + g.kernelWidth - 1 - left - spread.shape[2];
  // A 1×1 kernel is its own rotation; skipping the reverse matters on wasm, whose Reverse is slow (ResNet-50's
  // 1×1 convs hold most of its weights).
  const spatiallyRotated = g.kernelHeight === 1 && g.kernelWidth === 1 ? filter : tf.reverse(filter, [0, 1]);
  const rotated = tf.transpose(spatiallyRotated, [0, 1, 3, 2]) as tf.Tensor4D;
  return paddedConv(spread, rotated, [top, bottom, left, right], 1);
}

/**
 * ∂L/∂W as a dilated convolution: dW[a, b, ci, co] = Σ_{n,i,j} x̃[n, i·s + a, j·s + b, ci] · dy[n, i, j, co] is a
 * stride-1 convolution of the padded input with channels and batch swapped ([cin, H̃, W̃, N]) by the upstream
 * gradient used as the kernel ([outH, outW, N, cout]) at dilation s. On wasm this runs through XNNPACK and
 * measured 5–20× faster than im2col + matMul (which pays for big transposed matMuls and strided slices).
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  // The layers whose forward and dx run on Winograd F(m×m, 3×3) take its transpose F(3×3, m×m) for dW: bench/kernels.ts
  // measured F(3×3, 2×2) faster than the direct kernel on 1 and 2 threads on every such layer at batch 64, 32²×16→16 to
  // 4²×512→512 (bench/FMA.md), and F(3×3, 4×4) faster again (docs/performance.md).
  if (winograd(g)) return tf.engine().runKernel(LtKernel.conv2DWinogradFilterGrad, { x, dy }, {}) as tf.Tensor4D;
  if (onWasm(LtKernel.conv2DFilterGrad) || onWebGPU(LtKernel.conv2DFilterGrad)) {
    // lt's kernels: the same sum as a direct NHWC loop nest, no transposes, no whole-map kernel.
    const filterShape = [g.kernelHeight, g.kernelWidth, g.inChannels, g.outChannels];
    return tf.engine().runKernel(LtKernel.conv2DFilterGrad, { x, dy }, { filterShape, stride: g.stride, padTop: g.padTop, padLeft: g.padLeft }) as tf.Tensor4D;
  }
  // Keep exactly the rows and columns the forward pass read: (out−1)·s + k of the padded input.
  const bottom = (g.outHeight - 1) * g.stride + g.kernelHeight - g.inHeight - g.padTop;
  const right = (g.outWidth - 1) * g.stride + g.kernelWidth - g.inWidth - g.padLeft;
  const channelsFirst = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
  const kernel = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  const grad = paddedConv(channelsFirst, kernel, [g.padTop, bottom, g.padLeft, right], g.stride);
  return tf.transpose(grad, [1, 2, 0, 3]);
}

/**
 * Whether lt's own forward kernel takes this convolution instead of XNNPACK's Conv2D. bench/kernels.ts measured it
 * 10–50 % faster on 1 and 2 threads for 8 to 512 input channels with ci·co up to 256² (3×3, 5×5, 7×7 and 1×1 layers,
 * 4² to 112² maps), but slower on a 3-channel stem (too short a sum per tap) and on 1×1 layers of ci·co ≥ 512², whose
 * weights per tap outgrow the caches that XNNPACK's packed GEMM blocks for (bench/FMA.md).
 */
function nativeForward(g: Geometry): boolean {
  return onWebGPU(LtKernel.conv2D) || (g.outChannels % 4 === 0 && g.inChannels >= 8 && g.inChannels * g.outChannels <= 256 * 256 && onWasm(LtKernel.conv2D));
}

/**
 * Whether this convolution and its input gradient run on lt's Winograd kernel (F(4×4, 3×3) on maps of 8² and more,
 * else F(2×2, 3×3); the kernel picks) and its filter gradient on the transposed one (see filterGradient): 3×3, stride
 * 1, padding 1 on every side (so the output has the input's size), 16 to 512 channels in multiples of 4.
 * bench/kernels.ts measured F(2×2) faster than the direct kernels (and XNNPACK) on 1 and 2 threads on every such layer
 * tried: 1.2–2.1× at batch 64 from 32²×16→16 to 4²×512→512, 1.05–2.3× at batch 8 from 56²×64→64 to 7²×512→512
 * (bench/FMA.md), and F(4×4) faster than F(2×2) (docs/performance.md). With 4 to 8 channels the transforms cost about
 * what they save (0.9–1.16×); layers wider than 512 were not measured.
 */
function winograd(g: Geometry): boolean {
  const pads = [g.padTop, g.padBottom, g.padLeft, g.padRight];
  const channels = [g.inChannels, g.outChannels];
  return (
    g.kernelHeight === 3 &&
    g.kernelWidth === 3 &&
    g.stride === 1 &&
    pads.every((p) => p === 1) &&
    channels.every((c) => c % 4 === 0 && c >= 16 && c <= 512) &&
    onWasm(LtKernel.conv2DWinograd, LtKernel.conv2DWinogradFilterGrad)
  );
}

/** The forward convolution: lt's kernels where winograd/nativeForward say they are faster, XNNPACK (or tfjs's) otherwise. */
function forward(x: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry, strides: number, pad: Conv2DPad): tf.Tensor4D {
  if (winograd(g)) return tf.engine().runKernel(LtKernel.conv2DWinograd, { x, filter }, {}) as tf.Tensor4D;
  if (!nativeForward(g)) return tf.conv2d(x, filter, strides, pad);
  const outShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  return tf.engine().runKernel(LtKernel.conv2D, { x, filter }, { outShape, stride: g.stride, padTop: g.padTop, padLeft: g.padLeft }) as tf.Tensor4D;
}

/**
 * 2-D convolution (NHWC input, [kh, kw, cin, cout] filter) whose gradient is built only from forward ops
 * (conv2d, pad, slice, transpose, reverse), so it trains on backends that lack or are slow at Conv2DBackprop* (PLATFORM.md).
 * Returns the output [N, outH, outW, cout], equal up to float rounding to `tf.conv2d(x, filter, strides, pad)`.
 * With `groups` > 1 it is PyTorch's grouped convolution: filter [kh, kw, cin/groups, cout], output channel o seeing
 * only input-channel slice ⌊o·groups/cout⌋.
 */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number = 1, pad: Conv2DPad = 'same', groups: number = 1): tf.Tensor4D {
  if (!Number.isInteger(strides) || strides < 1) {
    throw new LtError('conv2d/strides', `conv2d: strides must be a positive integer, got ${strides}`);
  }
  if (x.rank !== 4 || filter.rank !== 4) {
    throw new LtError('conv2d/rank', `conv2d: expected x [N,H,W,C] and filter [kh,kw,cin,cout], got ranks ${x.rank} and ${filter.rank}`);
  }
  if (!Number.isInteger(groups) || groups < 1 || filter.shape[3] % groups !== 0) {
    throw new LtError('conv2d/groups', `conv2d: groups must be a positive integer dividing the ${filter.shape[3]} output channels, got ${groups}`);
  }
  if (x.shape[3] !== filter.shape[2] * groups) {
    throw new LtError(
      'conv2d/channels',
      `conv2d: input has ${x.shape[3]} channels but the filter expects ${filter.shape[2] * groups} (filter shape [${filter.shape.join(', ')}], ${groups} group${groups === 1 ? '' : 's'})`,
    );
  }
  if (typeof pad === 'number' && filter.shape[0] !== filter.shape[1]) {
    // tfjs computes a numeric-pad output size from the filter height only, so the forward itself would be wrong.
    throw new LtError(
      'conv2d/pad',
      `conv2d: a numeric pad needs a square kernel, got ${filter.shape[0]}×${filter.shape[1]}; use 'same' or 'valid'`,
    );
  }
  if (groups > 1) return groupedConv2d(x, filter, strides, pad, groups);
  const g = geometry(x.shape, filter.shape, strides, pad);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, weight, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, weight]);
    return {
      value: forward(input, weight, g, strides, pad),
      // tidy: tfjs keeps every tensor a gradient function leaves behind until the whole backward pass ends.
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedInput, savedWeight] = saved as tf.Tensor4D[];
          return [inputGradient(dy, savedWeight, g), filterGradient(savedInput, dy, g)];
        }),
    };
  });
  return op(x, filter);
}

/**
 * A grouped convolution (PyTorch's `groups`, filter [kh, kw, cin/groups, cout]): one dispatch per pass with lt's
 * webgpu kernels; elsewhere one conv2d per group of channels, concatenated.
 */
function groupedConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number, pad: Conv2DPad, groups: number): tf.Tensor4D {
  if (!onWebGPU(LtKernel.conv2D, LtKernel.conv2DInputGrad, LtKernel.conv2DFilterGrad)) {
    return tf.tidy(() => {
      const filters = tf.split<tf.Tensor4D>(filter, groups, 3);
      return tf.concat(
        tf.split<tf.Tensor4D>(x, groups, 3).map((input, i) => conv2d(input, filters[i], strides, pad)),
        3,
      );
    });
  }
  // computeConv2DInfo reads the input channels from x and the output channels from the filter: both right here.
  const g = geometry(x.shape, filter.shape, strides, pad);
  const spatial = { stride: g.stride, padTop: g.padTop, padLeft: g.padLeft, groups };
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, weight, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, weight]);
    const outShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
    return {
      value: tf.engine().runKernel(LtKernel.conv2D, { x: input, filter: weight }, { outShape, ...spatial }) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [savedInput, savedWeight] = saved as tf.Tensor4D[];
        return [
          tf.engine().runKernel(LtKernel.conv2DInputGrad, { dy, filter: savedWeight }, { xShape: savedInput.shape, ...spatial }) as tf.Tensor4D,
          tf.engine().runKernel(LtKernel.conv2DFilterGrad, { x: savedInput, dy }, { filterShape: savedWeight.shape, ...spatial }) as tf.Tensor4D,
        ];
      },
    };
  });
  return op(x, filter);
}

/** ∂L/∂x of `conv2d(x, filter, strides, pad)` for the upstream gradient `dy`, as its gradient computes it. */
export function conv2dInputGradient(xShape: readonly number[], dy: tf.Tensor4D, filter: tf.Tensor4D, strides: number, pad: Conv2DPad): tf.Tensor4D {
  return tf.tidy(() => inputGradient(dy, filter, geometry(xShape, filter.shape, strides, pad)));
}

/** ∂L/∂filter of `conv2d(x, filter, strides, pad)` for the upstream gradient `dy`, as its gradient computes it. */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: readonly number[], strides: number, pad: Conv2DPad): tf.Tensor4D {
  return tf.tidy(() => filterGradient(x, dy, geometry(x.shape, filterShape, strides, pad)));
}

/** What follows the bias in `conv2dBiasActivation`. */
export type Conv2DActivation = 'relu' | 'linear';

/**
 * act(conv2d(x, filter) + bias + residual) for gradient-free forwards (evaluation, feature extraction), e.g. a
 * convolution with its BatchNorm folded in and a residual block's shortcut (`residual`, the output's shape): lt's wasm
 * and webgpu kernels do the bias, the residual and the ReLU in the same pass where they take the convolution (see
 * `winograd` and `nativeForward`); elsewhere tfjs's fused conv2d and, with a residual, one more addition. Not
 * differentiable through lt's kernel: under a gradient tape it uses tfjs's fused conv2d, which is.
 */
export function conv2dBiasActivation(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: number,
  pad: Conv2DPad,
  activation: Conv2DActivation,
  residual?: tf.Tensor4D,
): tf.Tensor4D {
  const g = geometry(x.shape, filter.shape, strides, pad);
  const outShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  if (residual !== undefined && !tf.util.arraysEqual(residual.shape, outShape)) {
    throw new LtError('conv2d/residual', `conv2dBiasActivation: the residual must have the output's shape [${outShape.join(', ')}], got [${residual.shape.join(', ')}]`);
  }
  const lt = !gradientsRecording() && (winograd(g) || nativeForward(g));
  // lt's kernels add the residual in their epilogue; tfjs's fused conv2d does not.
  const fused = residual === undefined || lt;
  const inputs: tf.NamedTensorMap = fused && residual !== undefined ? { x, filter, bias, residual } : { x, filter, bias };
  const relu = fused && activation === 'relu';
  let out: tf.Tensor4D;
  if (lt && winograd(g)) out = tf.engine().runKernel(LtKernel.conv2DWinograd, inputs, { relu }) as tf.Tensor4D;
  else if (lt) out = tf.engine().runKernel(LtKernel.conv2D, inputs, { outShape, stride: g.stride, padTop: g.padTop, padLeft: g.padLeft, relu }) as tf.Tensor4D;
  else out = tf.fused.conv2d({ x, filter, strides, pad, bias, activation: relu ? 'relu' : 'linear' });
  if (fused || residual === undefined) return out;
  const sum = activation === 'relu' ? addRelu(out, residual) : (tf.add(out, residual) as tf.Tensor4D);
  out.dispose();
  return sum;
}
