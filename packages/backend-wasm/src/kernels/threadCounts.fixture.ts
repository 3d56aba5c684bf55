// Child process for native.test.ts: runs each of lt's pooled wasm kernels on fixed inputs with LT_WASM_THREADS
// threads and prints one JSON line: the thread counts and a SHA-256 of every output, to be compared across counts.
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmBackend } from '../backend.js';
import { nativeKernelsFor, type WasmBackendLike } from '../native/load.js';
import { WasmKernelName } from './native.js';

const info = await setWasmBackend();
const runtime = nativeKernelsFor(tf.backend());
if (runtime === undefined) throw new Error('native kernels did not load');
// Helpers start asynchronously; a call made before they are ready would run on fewer threads.
for (let i = 0; i < 400 && runtime.pool.threads < info.threads; i++) await new Promise((r) => setTimeout(r, 50));

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}) =>
  tf.engine().runKernel(name, inputs, attrs as never) as tf.Tensor | tf.Tensor[];
// Odd sizes so no split is even: 37 images of 9×11 (ragged F(4×4) tiles) and of 7×6 (F(2×2)), 12 → 20 channels;
// 18 images of 32² for spans.
const x = normal([37, 9, 11, 12], 1);
const dy = normal([37, 9, 11, 20], 2);
const w = normal([3, 3, 12, 20], 3);
const bias = normal([20], 4);
const xSmall = normal([37, 7, 6, 12], 8);
const xSpans = normal([18, 32, 32, 12], 5);
const dySpans = normal([18, 32, 32, 20], 6);
const dyStrided = normal([37, 5, 6, 20], 7);
const [gamma, beta, runningMean, runningVar] = [tf.linspace(0.5, 1.5, 20), tf.linspace(-0.1, 0.1, 20), tf.zeros([20]), tf.ones([20])];
const strided = { stride: 2, padTop: 1, padLeft: 1 };
const forward = run(WasmKernelName.batchNormTrain, { x: dy, gamma, beta, runningMean, runningVar }, { epsilon: 1e-5, momentum: 0.1, relu: true }) as tf.Tensor[];
const outputs = {
  winograd: run(WasmKernelName.conv2DWinograd, { x, filter: w, bias, residual: dy }, { relu: true }),
  winogradSmallMaps: run(WasmKernelName.conv2DWinograd, { x: xSmall, filter: w, bias }, { relu: true }),
  winogradInputGrad: run(WasmKernelName.conv2DWinograd, { x: dy, filter: w }, { inputGradient: true }),
  winogradFilterGrad: run(WasmKernelName.conv2DWinogradFilterGrad, { x, dy }),
  winogradFilterGradSpans: run(WasmKernelName.conv2DWinogradFilterGrad, { x: xSpans, dy: dySpans }),
  conv2D: run(WasmKernelName.conv2D, { x, filter: w }, { outShape: [37, 5, 6, 20], ...strided }),
  conv2DFilterGrad: run(WasmKernelName.conv2DFilterGrad, { x, dy: dyStrided }, { filterShape: [3, 3, 12, 20], ...strided }),
  conv2DInputGrad: run(WasmKernelName.conv2DInputGrad, { dy: dyStrided, filter: w }, { xShape: [37, 9, 11, 12], ...strided }),
  batchNormTrain: forward,
  batchNormGrad: run(WasmKernelName.batchNormGrad, { dy, x: dy, mean: forward[1], rstd: forward[2], gamma, y: forward[0] }),
};
const hashes = Object.fromEntries(
  Object.entries(outputs).map(([name, out]) => {
    const hash = createHash('sha256');
    for (const t of [out].flat()) hash.update(Buffer.from(t.dataSync().buffer));
    return [name, hash.digest('hex').slice(0, 16)];
  }),
);
const xnnpack = (tf.backend() as WasmBackendLike).wasm?.tfjs?.getThreadsCount?.();
process.stdout.write(`${JSON.stringify({ threads: info.threads, poolThreads: runtime.pool.threads, xnnpack, hashes })}\n`);
