// tfjs kernels for 'wasm' that run lt's own SIMD code (native/kernels.c) on the backend's memory. They are only
// reached through callers that check `wasmKernelsReady()` first (lt's core ops), so plain tfjs-backend-wasm and the
// cpu backend keep their tf-op paths.
import { getBackend, getKernel, backend as activeBackend, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { KernelComposer } from './compose.js';
import { nativeKernelsFor, WASM_WINOGRAD_ENV, type NativeRuntime, type WasmBackendLike } from '../native/load.js';

/**
 * Kernel names of lt's native wasm kernels (tf.engine().runKernel), each with its contract: every input float32 and
 * NHWC, filters [kh, kw, ci, co]; `?` marks an optional input or attribute. Another backend that registers one of
 * these names must keep the same contract.
 */
export const WasmKernelName = {
  /** {param, grad, buffer}, {lr, momentum, weightDecay, first} → [param', buffer'] (buffer ignored when `first`). */
  sgdMomentum: 'LtSgdMomentum',
  /**
   * {x [..., c], gamma, beta, runningMean, runningVar, residual?}, {epsilon, momentum, relu?} → [y, mean, rstd,
   * runningMean', runningVar']: the batch statistics over every axis but the last; `residual` is added and `relu`
   * applied after the normalisation, in the same pass.
   */
  batchNormTrain: 'LtBatchNormTrain',
  /**
   * {dy, x, mean, rstd, gamma, y?}, {withMaskedDy?} → [dx, dGamma, dBeta]; with `y` (a fused ReLU's output) dy counts
   * where y > 0. A backend may honour `withMaskedDy` by returning dy·[y > 0] as a fourth output (webgpu does; this one
   * returns three, and the op computes it).
   */
  batchNormGrad: 'LtBatchNormGrad',
  /** {x, gamma, beta, runningMean, runningVar}, {epsilon} → y, normalised with the running statistics. */
  batchNormEval: 'LtBatchNormEval',
  /** {x, dy}, {filterShape, stride, padTop, padLeft} → dW of a convolution (one stride for both axes). */
  conv2DFilterGrad: 'LtConv2DFilterGrad',
  /** {dy, filter}, {xShape, stride, padTop, padLeft} → dx of a convolution; input channels in multiples of 4. */
  conv2DInputGrad: 'LtConv2DInputGrad',
  /**
   * {x, filter, bias?, residual?}, {outShape, stride, padTop, padLeft, relu?} → y = act(conv + bias + residual), the
   * residual of y's shape; output channels in multiples of 4.
   */
  conv2D: 'LtConv2D',
  /**
   * {x, filter, bias?, residual?}, {relu?, inputGradient?} → y of a 3×3, stride-1, padding-1 convolution by Winograd
   * (bias, residual and relu as LtConv2D), channels in multiples of 4; with `inputGradient`, x is dy and `filter` the
   * layer's own, and the result is dx.
   */
  conv2DWinograd: 'LtConv2DWinograd',
  /** {x, dy}, {} → dW [3, 3, ci, co] of a 3×3, stride-1, padding-1 convolution by Winograd; channels in multiples of 4. */
  conv2DWinogradFilterGrad: 'LtConv2DWinogradFilterGrad',
} as const;

/**
 * Whether the active backend is wasm with lt's native kernels registered (registerWasmTrainingKernels or
 * setWasmBackend) and loaded into its memory; a plain tfjs-backend-wasm set up without them keeps the tf-op paths.
 */
export function wasmKernelsReady(): boolean {
  return getBackend() === 'wasm' && getKernel(WasmKernelName.sgdMomentum, 'wasm') !== undefined && nativeKernelsFor(activeBackend()) !== undefined;
}

type Call = (native: NativeRuntime, backend: WasmBackendLike, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo | TensorInfo[];

function config(kernelName: string, call: Call): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const native = nativeKernelsFor(backend as KernelBackend);
    if (native === undefined) throw new Error(`lt: kernel ${kernelName} needs lt's wasm kernels, which did not load on this backend`);
    for (const [name, info] of Object.entries(inputs as Record<string, TensorInfo>)) {
      if (info.dtype !== 'float32') throw new Error(`lt: ${kernelName} input '${name}' must be float32, got ${info.dtype}`);
    }
    return call(native, backend as WasmBackendLike, inputs as Record<string, TensorInfo>, attrs as Record<string, unknown>);
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}

/** Runs `f` with float scratch space of `floats` values on the backend's heap, freed afterwards. */
function withScratch<T>(backend: WasmBackendLike, floats: number, f: (offset: number) => T): T {
  const scratch = backend.makeOutput([floats], 'float32');
  try {
    return f(backend.getMemoryOffset(scratch.dataId));
  } finally {
    backend.disposeData(scratch.dataId);
  }
}

/** [0, size) cut into at most `parts` ranges whose boundaries are multiples of `align`. */
function split(size: number, parts: number, align: number): Array<[number, number]> {
  const step = Math.max(align, Math.ceil(size / parts / align) * align);
  const ranges: Array<[number, number]> = [];
  for (let begin = 0; begin < size; begin += step) ranges.push([begin, Math.min(size, begin + step)]);
  return ranges;
}

const at = (backend: WasmBackendLike, info: TensorInfo) => backend.getMemoryOffset(info.dataId);

/** The forward kernels' epilogue arguments (kernels.c `epilogue`): bias and residual pointers (0: none), relu. */
function epilogueArgs(backend: WasmBackendLike, y: TensorInfo, bias: TensorInfo | undefined, residual: TensorInfo | undefined, relu: unknown): number[] {
  if (residual !== undefined && residual.shape.join() !== y.shape.join()) {
    throw new Error(`lt: the residual [${residual.shape.join(', ')}] of a convolution must have its output's shape [${y.shape.join(', ')}]`);
  }
  return [bias === undefined ? 0 : at(backend, bias), relu === true ? 1 : 0, residual === undefined ? 0 : at(backend, residual)];
}
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const sgdMomentum = config(WasmKernelName.sgdMomentum, (native, backend, { param, grad, buffer }, attrs) => {
  const { lr, momentum, weightDecay, first } = attrs as { lr: number; momentum: number; weightDecay: number; first: boolean };
  const newParam = backend.makeOutput(param.shape, 'float32');
  const newBuffer = backend.makeOutput(param.shape, 'float32');
  native.kernels.sgd_momentum(at(backend, param), at(backend, grad), at(backend, buffer), at(backend, newParam), at(backend, newBuffer), sizeOf(param.shape), lr, momentum, weightDecay, first ? 1 : 0);
  return [newParam, newBuffer];
});

/** The fixed number of row spans BatchNorm's reductions are cut into (BN_SPANS in kernels.c): a share for each of 64 threads. */
const BN_SPANS = 64;

/**
 * A BatchNorm reduction over the rows of [m, c] (kernels.c batch_norm_partials: whole spans per thread, so any thread
 * count sums the same way), then `finish` on this thread with the partial sums and 3c floats of coefficients, then
 * the elementwise pass into `out`, split by rows over the threads, with the arguments `apply` builds from the
 * coefficients (kernels.c batch_norm_apply's a, mask, mul, add, b, mul2, relu).
 */
function batchNormPasses(
  native: NativeRuntime,
  backend: WasmBackendLike,
  m: number,
  c: number,
  reduce: readonly number[],
  finish: (partials: number, coef: number) => void,
  apply: (coef: number) => readonly number[],
  out: number,
): void {
  // BN_SPANS·2c doubles, then 3c floats, plus one float so the doubles start 8-byte aligned whatever malloc returns.
  withScratch(backend, BN_SPANS * 4 * c + 3 * c + 1, (scratch) => {
    const partials = (scratch + 7) & ~7;
    const coef = partials + BN_SPANS * 2 * c * 8;
    native.pool.run('batch_norm_partials', split(BN_SPANS, native.pool.threads, 1).map(([begin, end]) => [...reduce, m, c, begin, end, partials]));
    finish(partials, coef);
    const args = apply(coef);
    native.pool.run('batch_norm_apply', split(m, native.pool.threads, 1).map(([begin, end]) => [...args, c, begin, end, out]));
  });
}

// Attribute `relu`: y = max(BatchNorm(x), 0) in the same pass (conv → BatchNorm → ReLU); optional input `residual`
// (x's shape) is added before the ReLU (a residual block's BatchNorm, shortcut and ReLU in one pass).
const batchNormTrain = config(WasmKernelName.batchNormTrain, (native, backend, { x, gamma, beta, runningMean, runningVar, residual }, attrs) => {
  const { epsilon, momentum, relu } = attrs as { epsilon: number; momentum: number; relu?: boolean };
  const c = x.shape[x.shape.length - 1];
  const m = sizeOf(x.shape) / c;
  const [y, mean, rstd, newMean, newVar] = [x.shape, [c], [c], [c], [c]].map((shape) => backend.makeOutput(shape, 'float32'));
  batchNormPasses(
    native,
    backend,
    m,
    c,
    [at(backend, x), 0, 0, 0, 0],
    (partials, coef) =>
      native.kernels.batch_norm_train_stats(partials, at(backend, gamma), at(backend, beta), at(backend, runningMean), at(backend, runningVar), m, c, epsilon, momentum, at(backend, mean), at(backend, rstd), at(backend, newMean), at(backend, newVar), coef),
    // y = x·scale + shift with coef = [scale, shift].
    (coef) => [at(backend, x), 0, coef, coef + 4 * c, residual === undefined ? 0 : at(backend, residual), 0, relu === true ? 1 : 0],
    at(backend, y),
  );
  return [y, mean, rstd, newMean, newVar];
});

const batchNormEval = config(WasmKernelName.batchNormEval, (native, backend, { x, gamma, beta, runningMean, runningVar }, attrs) => {
  const { epsilon } = attrs as { epsilon: number };
  const c = x.shape[x.shape.length - 1];
  const y = backend.makeOutput(x.shape, 'float32');
  withScratch(backend, 2 * c, (scratch) =>
    native.kernels.batch_norm_eval(at(backend, x), at(backend, gamma), at(backend, beta), at(backend, runningMean), at(backend, runningVar), sizeOf(x.shape) / c, c, epsilon, at(backend, y), scratch),
  );
  return y;
});

// Optional input `y`, the output of a BatchNorm with its ReLU fused: dy counts only where y > 0.
const batchNormGrad = config(WasmKernelName.batchNormGrad, (native, backend, { dy, x, mean, rstd, gamma, y }) => {
  const mask = y === undefined ? 0 : at(backend, y);
  const c = x.shape[x.shape.length - 1];
  const m = sizeOf(x.shape) / c;
  const [dx, dGamma, dBeta] = [x.shape, [c], [c]].map((shape) => backend.makeOutput(shape, 'float32'));
  batchNormPasses(
    native,
    backend,
    m,
    c,
    [at(backend, dy), at(backend, x), at(backend, mean), at(backend, rstd), mask],
    (partials, coef) => native.kernels.batch_norm_grad_coefficients(partials, at(backend, mean), at(backend, rstd), at(backend, gamma), m, c, at(backend, dGamma), at(backend, dBeta), coef),
    // dx = dy·gain + offset + x·per_x with coef = [gain, per_x, offset].
    (coef) => [at(backend, dy), mask, coef, coef + 8 * c, at(backend, x), coef + 4 * c, 0],
    at(backend, dx),
  );
  return [dx, dGamma, dBeta];
});

const conv2DFilterGrad = config(WasmKernelName.conv2DFilterGrad, (native, backend, { x, dy }, attrs) => {
  const { filterShape, stride, padTop, padLeft } = attrs as { filterShape: [number, number, number, number]; stride: number; padTop: number; padLeft: number };
  const [n, ih, iw, ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const dw = backend.makeOutput(filterShape, 'float32');
  const common = [at(backend, x), at(backend, dy), at(backend, dw), n, ih, iw, ci, oh, ow, co, filterShape[0], filterShape[1], stride, padTop, padLeft];
  // Threads take disjoint blocks of output channels (multiples of 4, so 16 channels still feed 4 threads).
  native.pool.run('conv2d_filter_grad', split(co, native.pool.threads, 4).map(([begin, end]) => [...common, begin, end]));
  return dw;
});

const conv2DInputGrad = config(WasmKernelName.conv2DInputGrad, (native, backend, { dy, filter }, attrs) => {
  const { xShape, stride, padTop, padLeft } = attrs as { xShape: [number, number, number, number]; stride: number; padTop: number; padLeft: number };
  const [n, ih, iw, ci] = xShape;
  const [, oh, ow, co] = dy.shape;
  const [kh, kw] = filter.shape;
  if (ci % 4 !== 0) throw new Error(`lt: ${WasmKernelName.conv2DInputGrad} needs input channels in multiples of 4, got ${ci}`);
  // [kh, kw, ci, co] → [kh, kw, co, ci] so the kernel reads each output channel's weights as contiguous vectors.
  const k = new KernelComposer(backend, 'wasm');
  const wt = k.run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] });
  const dx = backend.makeOutput(xShape, 'float32');
  const common = [at(backend, dy), at(backend, wt), at(backend, dx), n, ih, iw, ci, oh, ow, co, kh, kw, stride, padTop, padLeft];
  // Threads take disjoint sets of images.
  native.pool.run('conv2d_input_grad', split(n, native.pool.threads, 1).map(([begin, end]) => [...common, begin, end]));
  return k.finish(dx);
});

// Optional `bias` [co], `residual` (y's shape) and attribute `relu`: y + bias + residual (then max(·, 0)) in the same
// pass (evaluation forwards).
const conv2D = config(WasmKernelName.conv2D, (native, backend, { x, filter, bias, residual }, attrs) => {
  const { outShape, stride, padTop, padLeft, relu } = attrs as { outShape: [number, number, number, number]; stride: number; padTop: number; padLeft: number; relu?: boolean };
  const [n, ih, iw, ci] = x.shape;
  const [kh, kw, , co] = filter.shape;
  if (co % 4 !== 0) throw new Error(`lt: ${WasmKernelName.conv2D} needs output channels in multiples of 4, got ${co}`);
  const y = backend.makeOutput(outShape, 'float32');
  const common = [at(backend, x), at(backend, filter), at(backend, y), n, ih, iw, ci, outShape[1], outShape[2], co, kh, kw, stride, padTop, padLeft];
  // Threads take disjoint ranges of output rows (over all images), so a batch of one is split too.
  const epilogue = epilogueArgs(backend, y, bias, residual, relu);
  native.pool.run('conv2d_forward', split(n * outShape[1], native.pool.threads, 1).map(([begin, end]) => [...common, begin, end, ...epilogue]));
  return y;
});

/** Floats between the planes of a Winograd block's buffers (WINOGRAD_PAD in kernels.c). */
const WINOGRAD_PAD = 16;

/**
 * The Winograd tile for an h × w map: F(4×4, 3×3), 36 multiplies per 16 outputs against F(2×2)'s 16 per 4, where the
 * map is at least 8 × 8 (smaller maps would mostly compute padding); F(2×2) with LT_WASM_WINOGRAD=2, whose rounding
 * error is about a sixth of F(4×4)'s.
 */
function winogradTile(h: number, w: number): 2 | 4 {
  const forced = typeof process === 'undefined' ? undefined : process.env[WASM_WINOGRAD_ENV];
  return forced !== '2' && h >= 8 && w >= 8 ? 4 : 2;
}

/**
 * Output tiles per Winograd block. Each block's transformed input and products ((m+2)²·block·(ci + co) floats) are
 * written and read back once, and its GEMMs stream the transformed filter once: bench/kernels.ts measured 8 to 64
 * tiles of F(2×2) within a few per cent of each other from 16 to 512 channels once the planes were padded apart
 * (WINOGRAD_PAD); F(4×4)'s tiles are 4 times larger, and 16 of them measured as fast as 8 and 32 or faster on
 * ResNet-32's layers at batch 128 on 1 and 2 threads.
 */
const WINOGRAD_BLOCK = { 2: 32, 4: 16 } as const;

// 3×3, stride 1, padding 1 by Winograd F(m×m, 3×3) (kernels.c conv2d_winograd); optional `bias`, `residual` and
// `relu` as LtConv2D. With `inputGradient`, x is dy and `filter` the layer's own [3, 3, ci, co], and the result is dx
// [n, h, w, ci] (the kernel rotates and transposes the filter as it transforms it).
const conv2DWinograd = config(WasmKernelName.conv2DWinograd, (native, backend, { x, filter, bias, residual }, attrs) => {
  const { relu, inputGradient } = attrs as { relu?: boolean; inputGradient?: boolean };
  const [n, h, w, ci] = x.shape;
  const [kh, kw, filterIn, filterOut] = filter.shape;
  const co = inputGradient === true ? filterIn : filterOut;
  if ((inputGradient === true ? filterOut : filterIn) !== ci) throw new Error(`lt: ${WasmKernelName.conv2DWinograd}: filter [${filter.shape.join(', ')}] does not fit ${ci} input channels`);
  if (kh !== 3 || kw !== 3) throw new Error(`lt: ${WasmKernelName.conv2DWinograd} needs a 3×3 filter, got ${kh}×${kw}`);
  if (ci % 4 !== 0 || co % 4 !== 0) throw new Error(`lt: ${WasmKernelName.conv2DWinograd} needs channels in multiples of 4, got ${ci} → ${co}`);
  const size = winogradTile(h, w);
  const planes = (size + 2) ** 2;
  const block = WINOGRAD_BLOCK[size];
  const y = backend.makeOutput([n, h, w, co], 'float32');
  const epilogue = epilogueArgs(backend, y, bias, residual, relu);
  const tiles = n * Math.ceil(h / size) * Math.ceil(w / size);
  const parts = split(tiles, native.pool.threads, 1);
  const perPart = planes * (block * (ci + co) + 2 * WINOGRAD_PAD);
  withScratch(backend, planes * ci * co + parts.length * perPart, (scratch) => {
    // The transformed filter first (threads take input channels), then each part its tiles in its own scratch.
    native.pool.run('winograd_filter', split(ci, native.pool.threads, 4).map(([begin, end]) => [at(backend, filter), scratch, ci, co, begin, end, inputGradient === true ? 1 : 0, size]));
    native.pool.run(
      'conv2d_winograd',
      parts.map(([begin, end], i) => [at(backend, x), scratch, at(backend, y), n, h, w, ci, co, begin, end, block, scratch + 4 * (planes * ci * co + i * perPart), ...epilogue, size]),
    );
  });
  return y;
});

/**
 * Tiles per block of the Winograd filter gradient: bench/kernels.ts measured 32 and 64 tiles of F(3×3, 2×2) alike from
 * 16 to 64 channels on 2 threads, and 128 a third slower at 32²×16→16; F(3×3, 4×4)'s tiles are 4 times larger.
 */
const WINOGRAD_GRAD_BLOCK = { 2: 32, 4: 16 } as const;

/**
 * Most tile spans of the Winograd filter gradient. The spans, not the threads, fix how each dW value is summed, so
 * threads share the tiles (each transforming only its own) and 1 and 2 threads agree bit for bit, as BN_SPANS does
 * for BatchNorm; a power of two so 2 threads get equal shares.
 */
const WINOGRAD_GRAD_SPANS = 8;

/**
 * Fewest output pixels per span: each span writes and the sum reads back its own [(m+2)², ci, co] sums, which at 256
 * pixels (8 spans of 128 F(3×3, 2×2) tiles at 8²×64→64) made that layer 7–10 % slower on 1 and 2 threads; with 8192
 * it keeps one span, split by output channels, and 32²×16→16 at batch 64 (65536 pixels) gets 8.
 */
const WINOGRAD_GRAD_SPAN_PIXELS = 8192;

/** Most floats of the spans' sums together (16 MB): wide layers take fewer spans and split output channels instead. */
const WINOGRAD_GRAD_SPAN_FLOATS = 1 << 22;

/**
 * The Winograd filter gradient's span count for `tiles` tiles of size × size pixels and ci × co channels (a function
 * of the shape only).
 */
function winogradGradSpans(tiles: number, size: number, ci: number, co: number): number {
  let spans = WINOGRAD_GRAD_SPANS;
  const planes = (size + 2) ** 2;
  while (spans > 1 && (spans * WINOGRAD_GRAD_SPAN_PIXELS > tiles * size * size || spans * planes * ci * co > WINOGRAD_GRAD_SPAN_FLOATS)) spans /= 2;
  return spans;
}

// dW [3, 3, ci, co] of a 3×3, stride-1, padding-1 convolution of x [n, h, w, ci] with upstream gradient dy
// [n, h, w, co] by Winograd F(3×3, m×m), m as the forward's (winogradTile; kernels.c winograd_filter_grad, then
// winograd_filter_grad_sum). Threads take
// disjoint ranges of the fixed spans of tiles, or, with fewer spans than threads, each span's output channels in
// blocks of 4; each part has its own scratch for a block's transformed tiles and a run's sums.
const conv2DWinogradFilterGrad = config(WasmKernelName.conv2DWinogradFilterGrad, (native, backend, { x, dy }) => {
  const [n, h, w, ci] = x.shape;
  const co = dy.shape[3];
  if (dy.shape[0] !== n || dy.shape[1] !== h || dy.shape[2] !== w) throw new Error(`lt: ${WasmKernelName.conv2DWinogradFilterGrad}: dy [${dy.shape.join(', ')}] does not fit x [${x.shape.join(', ')}]`);
  if (ci % 4 !== 0 || co % 4 !== 0) throw new Error(`lt: ${WasmKernelName.conv2DWinogradFilterGrad} needs channels in multiples of 4, got ${ci} → ${co}`);
  const size = winogradTile(h, w);
  const planes = (size + 2) ** 2;
  const block = WINOGRAD_GRAD_BLOCK[size];
  const dw = backend.makeOutput([3, 3, ci, co], 'float32');
  const tiles = n * Math.ceil(h / size) * Math.ceil(w / size);
  // Spans start on block boundaries; rounding up can leave the last ones empty, so they are dropped.
  const spanTiles = Math.ceil(tiles / winogradGradSpans(tiles, size, ci, co) / block) * block;
  const spans = Math.ceil(tiles / spanTiles);
  const threads = native.pool.threads;
  // [span begin, span end, output channel begin, end] per part.
  const parts: Array<[number, number, number, number]> =
    spans >= threads
      ? split(spans, threads, 1).map(([sBegin, sEnd]) => [sBegin, sEnd, 0, co])
      : Array.from({ length: spans }, (_, s) => split(co, Math.ceil(threads / spans), 4).map(([oBegin, oEnd]): [number, number, number, number] => [s, s + 1, oBegin, oEnd])).flat();
  // Each part's floats (a block's X and D, a run's sums), plus a cache line so two parts never share one.
  const perPart = parts.map(([, , oBegin, oEnd]) => planes * (block * (ci + oEnd - oBegin) + 2 * WINOGRAD_PAD + ci * (oEnd - oBegin)) + 16);
  const partialFloats = spans * planes * ci * co;
  withScratch(backend, partialFloats + perPart.reduce((a, b) => a + b, 0), (partials) => {
    let offset = partials + 4 * partialFloats;
    const args = parts.map(([sBegin, sEnd, oBegin, oEnd], i) => {
      const own = offset;
      offset += 4 * perPart[i];
      return [at(backend, x), at(backend, dy), partials, n, h, w, ci, co, sBegin, sEnd, spanTiles, oBegin, oEnd, block, own, spans === 1 ? at(backend, dw) : 0, size];
    });
    native.pool.run('winograd_filter_grad', args);
    if (spans > 1) native.pool.run('winograd_filter_grad_sum', split(ci, threads, 4).map(([iBegin, iEnd]) => [partials, at(backend, dw), ci, co, spans, iBegin, iEnd, size]));
  });
  return dw;
});

/** The native kernels' configs, for registration. */
export const nativeKernelConfigs: readonly KernelConfig[] = [sgdMomentum, batchNormTrain, batchNormEval, batchNormGrad, conv2DFilterGrad, conv2DInputGrad, conv2D, conv2DWinograd, conv2DWinogradFilterGrad];
