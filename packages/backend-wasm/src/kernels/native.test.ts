import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmBackend } from '../backend.js';
import { nativeBuild, nativeKernelsFor, relaxedSimdValidates, WASM_FMA_ENV, WASM_KERNELS_ENV, WASM_WINOGRAD_ENV, type NativeRuntime, type WasmBackendLike } from '../native/load.js';
import { WasmKernelName, wasmKernelsReady } from './native.js';
import { convCases, expectClose, onBoth as onBothBackends, withBuild } from '../../../../test/support/wasmParity.js';

/** onBoth, checking that wasm runs lt's native kernels. */
async function onBoth(f: () => tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  return onBothBackends(() => {
    if (tf.getBackend() === 'wasm') expect(wasmKernelsReady()).toBe(true);
    return f();
  });
}

/** The build lt's kernels run in on the active (wasm) backend. */
const activeBuild = () => nativeKernelsFor(tf.backend())?.build;

/** lt's forward convolution kernel on wasm, tf.conv2d on cpu, for `pad` as tfjs resolves it. */
function forwardKernel(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: 'same' | 'valid' | number): tf.Tensor4D {
  if (tf.getBackend() !== 'wasm') return tf.conv2d(x, w, stride, pad);
  const info = tf.backend_util.computeConv2DInfo(x.shape, w.shape as [number, number, number, number], stride, 1, pad);
  const attrs = { outShape: info.outShape, stride, padTop: info.padInfo.top, padLeft: info.padInfo.left };
  return tf.engine().runKernel(WasmKernelName.conv2D, { x, filter: w }, attrs) as tf.Tensor4D;
}

/** lt's kernels on a 2-thread wasm backend, once the pool's helper has started (helpers start asynchronously). */
async function twoThreadKernels(): Promise<NativeRuntime> {
  await setWasmBackend({ threads: 2 });
  const runtime = nativeKernelsFor(tf.backend());
  if (runtime === undefined) throw new Error('native kernels did not load');
  for (let i = 0; i < 100 && runtime.pool.threads < 2; i++) await new Promise((r) => setTimeout(r, 50));
  expect(runtime.pool.threads).toBe(2);
  return runtime;
}

/** `f`'s result with the pool running every part on this thread. */
function onOneThread<T>(runtime: NativeRuntime, f: () => T): T {
  const pool = runtime.pool as unknown as { helpers: Array<{ usable: boolean }> };
  // Shadow each helper's `usable` getter.
  pool.helpers.forEach((h) => Object.defineProperty(h, 'usable', { value: false, configurable: true }));
  try {
    expect(runtime.pool.threads).toBe(1);
    return f();
  } finally {
    for (const h of pool.helpers) delete (h as { usable?: boolean }).usable;
  }
}

const values = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed).arraySync();

describe("lt's native wasm kernels", () => {
  beforeAll(async () => {
    await setWasmBackend();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // lt's forward kernel needs output channels in multiples of 4.
  const forwardCases = convCases.filter(([, , wShape]) => wShape[3] % 4 === 0);

  // The Winograd kernel called directly, with fewer channels than ops/conv2d.ts gives it: [x shape, output channels].
  // Maps of at least 8 × 8 take F(4×4, 3×3) unless LT_WASM_WINOGRAD=2; the others F(2×2, 3×3).
  const winogradKernelCases: Array<[string, number[], number]> = [
    ['1 image, 7×5, 4 → 12', [1, 7, 5, 4], 12],
    ['2 images, 5×3, 12 → 20', [2, 5, 3, 12], 20],
    ['1 image, 9×1, 20 → 4', [1, 9, 1, 20], 4],
    ['2 images, 8×8, 16 → 16 (whole 4×4 tiles)', [2, 8, 8, 16], 16],
    ['3 images, 9×14, 12 → 20 (ragged 4×4 tiles)', [3, 9, 14, 12], 20],
    // dW sums its tiles in spans of runs: 18 × 32² makes 2 spans of 4608 F(2×2) tiles (5 runs of 32 × 32, the last
    // short) or of 576 F(4×4) tiles (3 runs of 16 × 16); 32 × 31 × 32 makes 4 spans of F(2×2), 2 of F(4×4).
    ['18 images, 32×32, 4 → 4', [18, 32, 32, 4], 4],
    ['32 images, 31×32, 4 → 4', [32, 31, 32, 4], 4],
  ];

  describe.each(['simd', 'fma'] as const)('%s build', (build) => {
    it('is the build lt picks for it (relaxed SIMD validates on this Node, after the V8 flag if need be)', async () => {
      await withBuild(build, async () => {
        await setWasmBackend();
        expect(nativeBuild()).toBe(build);
        expect(activeBuild()).toBe(build);
      });
    });

    it.each(forwardCases)('the forward convolution kernel matches cpu: %s', async (_name, xShape, wShape, stride, pad) => {
      const [xv, wv] = [values(xShape, 3), values(wShape, 4)];
      const { cpu, wasm } = await withBuild(build, () =>
        onBoth(() => {
          if (tf.getBackend() === 'wasm') expect(activeBuild()).toBe(build);
          const [x, w] = [tf.tensor4d(xv as number[], xShape as [number, number, number, number]), tf.tensor4d(wv as number[], wShape as [number, number, number, number])];
          return [forwardKernel(x, w, stride, pad)];
        }),
      );
      expectClose(wasm, cpu);
    });

    describe.each(['4', '2'])(`${WASM_WINOGRAD_ENV}=%s`, (tile) => {
      beforeAll(() => {
        process.env[WASM_WINOGRAD_ENV] = tile;
      });
      afterAll(() => {
        delete process.env[WASM_WINOGRAD_ENV];
      });

      it.each(winogradKernelCases)('the Winograd kernels (forward plain, with bias + ReLU, with bias + residual + ReLU, dx, dW) match cpu: %s', async (_name, xShape, co) => {
        const ci = xShape[3];
        const yShape = [xShape[0], xShape[1], xShape[2], co] as [number, number, number, number];
        const [xv, wv, dyv, rv] = [values(xShape, 22), values([3, 3, ci, co], 23), values(yShape, 24), values(yShape, 25)];
        const { cpu, wasm } = await withBuild(build, () =>
          onBoth(() => {
            const x = tf.tensor4d(xv as number[], xShape as [number, number, number, number]);
            const w = tf.tensor4d(wv as number[], [3, 3, ci, co]);
            const dy = tf.tensor4d(dyv as number[], yShape);
            const residual = tf.tensor4d(rv as number[], yShape);
            const bias = tf.linspace(-1, 1, co) as tf.Tensor1D;
            if (tf.getBackend() === 'cpu') {
              const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), dy)))([x, w]);
              const y = tf.conv2d(x, w, 1, 'same');
              return [y, tf.relu(tf.add(y, bias)), tf.relu(tf.add(tf.add(y, bias), residual)), dx, dw];
            }
            expect(activeBuild()).toBe(build);
            const run = (inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => tf.engine().runKernel(WasmKernelName.conv2DWinograd, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
            const dw = tf.engine().runKernel(WasmKernelName.conv2DWinogradFilterGrad, { x, dy }, {}) as tf.Tensor;
            return [run({ x, filter: w }, {}), run({ x, filter: w, bias }, { relu: true }), run({ x, filter: w, bias, residual }, { relu: true }), run({ x: dy, filter: w }, { inputGradient: true }), dw];
          }),
        );
        expectClose(wasm, cpu);
        expect(cpu[1].reduce((m, v) => Math.min(m, v), Infinity)).toBe(0);
      });
    });
  });

  it.each(['simd', 'fma'] as const)('%s build: the Winograd kernels give bit-identical results on 2 threads and on 1', async (build) => {
    await withBuild(build, async () => {
      const runtime = await twoThreadKernels();
      expect(runtime.build).toBe(build);
      // 3 images of 7×9 (ragged last tile row and column), 12 → 20 channels; forward with bias + ReLU, dx and dW.
      const x = tf.randomNormal([3, 7, 9, 12], 0, 1, 'float32', 18);
      const w = tf.randomNormal([3, 3, 12, 20], 0, 1, 'float32', 19);
      const dy = tf.randomNormal([3, 7, 9, 20], 0, 1, 'float32', 20);
      const bias = tf.randomNormal([20], 0, 1, 'float32', 21);
      // 2 images of 10×9: F(4×4) tiles, ragged too.
      const xWide = tf.randomNormal([2, 10, 9, 12], 0, 1, 'float32', 26);
      const residualWide = tf.randomNormal([2, 10, 9, 20], 0, 1, 'float32', 27);
      const xSpans = tf.randomNormal([18, 32, 32, 12], 0, 1, 'float32', 22);
      const dySpans = tf.randomNormal([18, 32, 32, 20], 0, 1, 'float32', 23);
      const xRuns = tf.randomNormal([36, 31, 32, 4], 0, 1, 'float32', 24);
      const dyRuns = tf.randomNormal([36, 31, 32, 8], 0, 1, 'float32', 25);
      const run = () =>
        [
          tf.engine().runKernel(WasmKernelName.conv2DWinograd, { x, filter: w, bias }, { relu: true }),
          tf.engine().runKernel(WasmKernelName.conv2DWinograd, { x, filter: w }, {}),
          tf.engine().runKernel(WasmKernelName.conv2DWinograd, { x: dy, filter: w }, { inputGradient: true }),
          tf.engine().runKernel(WasmKernelName.conv2DWinograd, { x: xWide, filter: w, bias, residual: residualWide }, { relu: true }),
          tf.engine().runKernel(WasmKernelName.conv2DWinogradFilterGrad, { x, dy }, {}),
          // dW above has 1 span of tiles, which the threads split by output channels; these have 2 spans (1 per
          // thread) and 4 (2 per thread).
          tf.engine().runKernel(WasmKernelName.conv2DWinogradFilterGrad, { x: xSpans, dy: dySpans }, {}),
          tf.engine().runKernel(WasmKernelName.conv2DWinogradFilterGrad, { x: xRuns, dy: dyRuns }, {}),
        ].map((t) => {
          const values = Array.from((t as tf.Tensor).dataSync());
          tf.dispose(t as tf.Tensor);
          return values;
        });
      const twoThreads = run();
      expect(onOneThread(runtime, run)).toEqual(twoThreads);
      for (const values of twoThreads) expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0);
      tf.dispose([x, w, dy, bias, xWide, residualWide, xSpans, dySpans, xRuns, dyRuns]);
    });
  });

  it.each(['simd', 'fma'] as const)('%s build: splitting the conv kernels over 2 threads gives bit-identical results to 1 thread', async (build) => {
    await withBuild(build, async () => {
      const runtime = await twoThreadKernels();
      expect(runtime.build).toBe(build);
      const backend = tf.backend() as WasmBackendLike;
      const at = (t: tf.Tensor) => backend.getMemoryOffset(t.dataId);
      const x = tf.randomNormal([3, 7, 6, 8], 0, 1, 'float32', 8);
      const dy = tf.randomNormal([3, 4, 3, 20], 0, 1, 'float32', 9);
      const wt = tf.randomNormal([3, 3, 20, 8], 0, 1, 'float32', 10);
      const w = tf.randomNormal([3, 3, 8, 20], 0, 1, 'float32', 11);
      const [dwOne, dwTwo] = [tf.zeros([3, 3, 8, 20]), tf.zeros([3, 3, 8, 20])];
      const [dxOne, dxTwo] = [tf.zeros(x.shape), tf.zeros(x.shape)];
      const [yOne, yTwo] = [tf.zeros(dy.shape), tf.zeros(dy.shape)];
      // n, ih, iw, ci, oh, ow, co, kh, kw, stride, padTop, padLeft
      const geometry = [3, 7, 6, 8, 4, 3, 20, 3, 3, 2, 1, 1] as const;
      runtime.kernels.conv2d_filter_grad(at(x), at(dy), at(dwOne), ...geometry, 0, 20);
      runtime.pool.run('conv2d_filter_grad', [[at(x), at(dy), at(dwTwo), ...geometry, 0, 8], [at(x), at(dy), at(dwTwo), ...geometry, 8, 20]]);
      runtime.kernels.conv2d_input_grad(at(dy), at(wt), at(dxOne), ...geometry, 0, 3);
      runtime.pool.run('conv2d_input_grad', [[at(dy), at(wt), at(dxTwo), ...geometry, 0, 2], [at(dy), at(wt), at(dxTwo), ...geometry, 2, 3]]);
      // The forward splits output rows (3 images × 4 rows), here in the middle of the second image.
      // With the bias + residual + ReLU epilogue on, which each thread applies to its own rows.
      const bias = tf.randomNormal([20], 0, 1, 'float32', 12);
      const residual = tf.randomNormal(dy.shape, 0, 1, 'float32', 13);
      const epilogue = [at(bias), 1, at(residual)];
      runtime.kernels.conv2d_forward(at(x), at(w), at(yOne), ...geometry, 0, 12, ...epilogue);
      runtime.pool.run('conv2d_forward', [[at(x), at(w), at(yTwo), ...geometry, 0, 5, ...epilogue], [at(x), at(w), at(yTwo), ...geometry, 5, 12, ...epilogue]]);
      expect(Array.from(dwTwo.dataSync())).toEqual(Array.from(dwOne.dataSync()));
      expect(Array.from(dxTwo.dataSync())).toEqual(Array.from(dxOne.dataSync()));
      expect(Array.from(yTwo.dataSync())).toEqual(Array.from(yOne.dataSync()));
      for (const t of [dwOne, dxOne, yOne]) expect(tf.max(tf.abs(t)).dataSync()[0]).toBeGreaterThan(0);
      tf.dispose([x, dy, wt, w, bias, residual, dwOne, dwTwo, dxOne, dxTwo, yOne, yTwo]);
    });
  });

  it('BatchNorm train and backward on 2 threads give bit-identical results to 1 thread (fixed row spans)', async () => {
    const runtime = await twoThreadKernels();
    const shape = [5, 7, 3, 12];
    const c = shape[3];
    // One train-mode forward and its backward, straight through the kernels (core's batchNorm chains them so).
    const run = () => {
      const x = tf.tensor(values(shape, 21) as number[], shape);
      const dy = tf.randomNormal(shape, 0, 1, 'float32', 22);
      const [gamma, beta, runningMean, runningVar] = [tf.linspace(0.5, 1.5, c), tf.linspace(-0.1, 0.1, c), tf.zeros([c]), tf.ones([c])];
      const forward = tf.engine().runKernel(WasmKernelName.batchNormTrain, { x, gamma, beta, runningMean, runningVar }, { epsilon: 1e-5, momentum: 0.1 }) as tf.Tensor[];
      const [, mean, rstd] = forward;
      const backward = tf.engine().runKernel(WasmKernelName.batchNormGrad, { dy, x, mean, rstd, gamma }, {}) as tf.Tensor[];
      return [...forward, ...backward].map((t) => Array.from(t.dataSync()));
    };
    const twoThreads = tf.tidy(run);
    expect(onOneThread(runtime, () => tf.tidy(run))).toEqual(twoThreads);
  });

  it(`${WASM_FMA_ENV}=0, or a relaxed-SIMD probe that does not validate, gives the SIMD build`, async () => {
    await setWasmBackend();
    // clang 14's own encoding of relaxed madd (the 2021 draft's opcode 0xaf), which no engine accepts any more.
    const draft = Uint8Array.of(
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b],
      ...[0x03, 0x02, 0x01, 0x00],
      ...[0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0xaf, 0x01, 0x0b],
    );
    expect(relaxedSimdValidates(draft)).toBe(false);
    expect(nativeBuild(draft)).toBe('simd');
    expect(relaxedSimdValidates()).toBe(true);
    expect(nativeBuild()).toBe('fma');
    expect(activeBuild()).toBe('fma');
    process.env[WASM_FMA_ENV] = '0';
    try {
      expect(nativeBuild()).toBe('simd');
      expect(activeBuild()).toBe('simd');
      expect(wasmKernelsReady()).toBe(true);
    } finally {
      delete process.env[WASM_FMA_ENV];
    }
    expect(activeBuild()).toBe('fma');
  });

  it.each(['simd', 'fma'] as const)('%s build: the forward kernel and a training step beside it leave no tensors behind', async (build) => {
    await withBuild(build, async () => {
      await setWasmBackend();
      const w = tf.variable(tf.randomNormal([3, 3, 16, 16], 0, 1, 'float32', 5));
      const x = tf.randomNormal([2, 8, 8, 16], 0, 1, 'float32', 6) as tf.Tensor4D;
      const step = () =>
        tf.tidy(() => {
          const y = forwardKernel(x, w as tf.Tensor4D, 1, 'same');
          const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'))), [w]);
          tf.dispose(Object.values(grads));
          return tf.add(value, tf.mean(y));
        }).dispose();
      step();
      const before = tf.memory();
      step();
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      tf.dispose([x, w]);
    });
  });

  it(`${WASM_KERNELS_ENV}=0 falls back to plain tfjs kernels`, async () => {
    await setWasmBackend();
    process.env[WASM_KERNELS_ENV] = '0';
    try {
      expect(wasmKernelsReady()).toBe(false);
    } finally {
      delete process.env[WASM_KERNELS_ENV];
    }
    expect(wasmKernelsReady()).toBe(true);
  });
});
