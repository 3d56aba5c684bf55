// `pnpm exec tsx bench/kernels.ts [--threads auto|N] [--reps 5] [--conv-only] [--more-shapes] [--forward-sweep]`: GFLOP/s of each convolution pass and
// the time of the BatchNorm and SGD passes on ResNet-32's layer shapes (batch 64): the plain tfjs path
// (LT_WASM_KERNELS=0), lt's native direct kernels in their SIMD128-only build (LT_WASM_FMA=0) and in their
// relaxed-SIMD FMA build, and for 3×3 stride-1 layers lt's Winograd kernels (FMA build; forward, dx as ops/conv2d.ts
// runs it, and dW) with F(2×2, 3×3) (LT_WASM_WINOGRAD=2) and with their default tile (F(4×4, 3×3) on maps of 8² and
// more; dW is F(3×3, 2×2) in both), all switched per call. GFLOP/s count a direct convolution's multiply-adds whatever the kernel does.
// Medians over interleaved repeats, so load from other processes hits every column alike.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { WasmKernelName } from '@lt/backend-wasm';
import { batchNorm, selectBackend, Sgd, WASM_FMA_ENV, WASM_KERNELS_ENV, WASM_WINOGRAD_ENV } from '@lt/core';
import { conv2dFilterGradient, conv2dInputGradient } from '../packages/core/src/ops/conv2d.js';
import { nativeBuild } from '../packages/backend-wasm/src/native/load.js';

const { values } = parseArgs({
  options: { threads: { type: 'string', default: 'auto' }, reps: { type: 'string', default: '5' }, 'conv-only': { type: 'boolean', default: false }, 'more-shapes': { type: 'boolean', default: false }, 'forward-sweep': { type: 'boolean', default: false } },
});
const backend = await selectBackend('wasm', { threads: values.threads === 'auto' ? 'auto' : Number(values.threads) });
const reps = Number(values.reps);

function timeMs(f: () => tf.Tensor | tf.Tensor[]): number {
  const start = performance.now();
  const out = f();
  for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
  const ms = performance.now() - start;
  tf.dispose(out);
  return ms;
}

type Variant = 'plain' | 'simd' | 'fma' | 'winograd2' | 'winograd';
const variants = ['plain', 'simd', 'fma', 'winograd2', 'winograd'] as const;
const isWinograd = (v: Variant) => v === 'winograd' || v === 'winograd2';
const env: Record<Variant, Record<string, string | undefined>> = {
  plain: { [WASM_KERNELS_ENV]: '0', [WASM_FMA_ENV]: undefined, [WASM_WINOGRAD_ENV]: undefined },
  simd: { [WASM_KERNELS_ENV]: undefined, [WASM_FMA_ENV]: '0', [WASM_WINOGRAD_ENV]: undefined },
  fma: { [WASM_KERNELS_ENV]: undefined, [WASM_FMA_ENV]: undefined, [WASM_WINOGRAD_ENV]: undefined },
  winograd2: { [WASM_KERNELS_ENV]: undefined, [WASM_FMA_ENV]: undefined, [WASM_WINOGRAD_ENV]: '2' },
  winograd: { [WASM_KERNELS_ENV]: undefined, [WASM_FMA_ENV]: undefined, [WASM_WINOGRAD_ENV]: undefined },
};
function use(variant: Variant): void {
  for (const [k, v] of Object.entries(env[variant])) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

type Run = (variant: Variant) => tf.Tensor | tf.Tensor[];

/**
 * Median ms of `f` per variant, the variants interleaved within every repeat (the first repeat is warm-up); `f` gets
 * the variant, for passes whose kernel differs by more than the environment. NaN for the Winograd variants unless
 * `winograd`.
 */
function compare(f: Run, winograd = false): Record<Variant, number> {
  const times: Record<Variant, number[]> = { plain: [], simd: [], fma: [], winograd2: [], winograd: [] };
  const run = variants.filter((v) => !isWinograd(v) || winograd);
  for (let i = 0; i <= reps; i++) {
    for (const v of run) {
      use(v);
      const ms = timeMs(() => f(v));
      if (i > 0) times[v].push(ms);
    }
  }
  use('fma');
  const at = (v: Variant) => (run.includes(v) ? median(times[v]) : NaN);
  return { plain: at('plain'), simd: at('simd'), fma: at('fma'), winograd2: at('winograd2'), winograd: at('winograd') };
}

const rows: string[][] = [];
const rate = (gflop: number, ms: number) => (gflop && !Number.isNaN(ms) ? ((gflop / ms) * 1000).toFixed(1) : '');
const ms = (t: number) => (Number.isNaN(t) ? '' : t.toFixed(1));
const add = (pass: string, shape: string, gflop: number, t: Record<Variant, number>) =>
  rows.push([
    pass,
    shape,
    ...variants.map((v) => ms(t[v])),
    ...variants.map((v) => rate(gflop, t[v])),
    (t.simd / t.fma).toFixed(2),
    Number.isNaN(t.winograd) ? '' : (t.fma / t.winograd).toFixed(2),
    Number.isNaN(t.winograd) ? '' : (t.winograd2 / t.winograd).toFixed(2),
  ]);
// ResNet-32's 3×3 convolutions; with --more-shapes also its stem, wider layers and 1×1 convolutions (where ops/conv2d.ts
// must decide between XNNPACK and lt's forward kernel).
const shapes: Array<readonly [number, number, number, number, number]> = [[32, 16, 16, 1, 3], [32, 16, 32, 2, 3], [16, 32, 32, 1, 3], [16, 32, 64, 2, 3], [8, 64, 64, 1, 3]];
if (values['more-shapes']) {
  shapes.push(
    [32, 3, 16, 1, 3], [32, 8, 16, 1, 3], [32, 4, 8, 1, 3], [16, 128, 128, 1, 3], [8, 128, 128, 1, 3], [8, 256, 256, 1, 3], [4, 256, 256, 1, 3], [4, 512, 512, 1, 3],
    [32, 16, 32, 2, 1], [16, 64, 64, 1, 1], [8, 256, 64, 1, 1], [8, 64, 256, 1, 1],
  );
}
for (const [h, cin, cout, stride, k] of shapes) {
  const x = tf.randomNormal([64, h, h, cin], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([k, k, cin, cout], 0, 0.1, 'float32', 2) as tf.Tensor4D;
  const out = h / stride;
  const gflop = (2 * 64 * out * out * cout * cin * k * k) / 1e9;
  const dy = tf.randomNormal([64, out, out, cout], 0, 1, 'float32', 3) as tf.Tensor4D;
  const shape = `${k}×${k} ${h}²×${cin}→${cout} s${stride}`;
  // tfjs's 'same' split: the odd padding goes after, so a stride-2 layer on an even size pads nothing before.
  const pad = Math.max((out - 1) * stride + k - h, 0);
  // Layers ops/conv2d.ts may give the Winograd kernel (3×3, stride 1, padding 1, channels in multiples of 4).
  const winograd = k === 3 && stride === 1 && cin % 4 === 0 && cout % 4 === 0;
  const direct = { outShape: [64, out, out, cout], stride, padTop: Math.floor(pad / 2), padLeft: Math.floor(pad / 2) };
  // plain = XNNPACK's Conv2D; SIMD and FMA = lt's conv2d_forward kernel, whatever ops/conv2d.ts routes this shape to.
  const forward = (v: Variant) =>
    v === 'plain'
      ? tf.conv2d(x, w, stride, 'same')
      : (tf.engine().runKernel(isWinograd(v) ? WasmKernelName.conv2DWinograd : WasmKernelName.conv2D, { x, filter: w }, isWinograd(v) ? {} : direct) as tf.Tensor);
  add('conv forward (plain = XNNPACK)', shape, gflop, compare(forward, winograd));
  // dx: SIMD and FMA = lt's direct conv2d_input_grad kernel; winograd = ops/conv2d.ts's route (filter rotation included).
  const inputGrad = (v: Variant) =>
    v === 'simd' || v === 'fma'
      ? (tf.engine().runKernel(WasmKernelName.conv2DInputGrad, { dy, filter: w }, { xShape: x.shape, stride, padTop: Math.floor(pad / 2), padLeft: Math.floor(pad / 2) }) as tf.Tensor)
      : conv2dInputGradient(x.shape, dy, w, stride, 'same');
  if (cin % 4 === 0) add('conv dx', shape, gflop, compare(inputGrad, winograd));
  // dW: plain = the tf-op path; SIMD and FMA = lt's direct conv2d_filter_grad kernel; winograd = lt's Winograd dW kernel.
  const filterGrad = (v: Variant) =>
    v === 'plain'
      ? conv2dFilterGradient(x, dy, w.shape, stride, 'same')
      : isWinograd(v)
        ? (tf.engine().runKernel(WasmKernelName.conv2DWinogradFilterGrad, { x, dy }, {}) as tf.Tensor)
        : (tf.engine().runKernel(WasmKernelName.conv2DFilterGrad, { x, dy }, { filterShape: w.shape, stride, padTop: Math.floor(pad / 2), padLeft: Math.floor(pad / 2) }) as tf.Tensor);
  add('conv dW', shape, gflop, compare(filterGrad, winograd));
  tf.dispose([x, w, dy]);
}
// --forward-sweep: the forward pass alone on ImageNet-sized layers (batch 8), where XNNPACK and lt's kernel trade places.
if (values['forward-sweep']) {
  const sweep: Array<readonly [number, number, number, number, number, number]> = [
    // batch, size, cin, cout, stride, kernel
    [8, 56, 64, 64, 1, 3], [8, 56, 64, 256, 1, 1], [8, 56, 256, 64, 1, 1], [8, 28, 128, 128, 1, 3], [8, 56, 128, 128, 2, 3],
    [8, 14, 256, 256, 1, 3], [8, 7, 512, 512, 1, 3], [8, 7, 2048, 512, 1, 1], [8, 7, 512, 2048, 1, 1], [8, 14, 1024, 256, 1, 1],
    [64, 32, 16, 16, 1, 5], [8, 112, 8, 64, 2, 7],
  ];
  for (const [n, h, cin, cout, stride, k] of sweep) {
    const x = tf.randomNormal([n, h, h, cin], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, cin, cout], 0, 0.1, 'float32', 2) as tf.Tensor4D;
    const out = Math.ceil(h / stride);
    const pad = Math.max((out - 1) * stride + k - h, 0);
    const outShape = [n, out, out, cout];
    const attrs = { outShape, stride, padTop: Math.floor(pad / 2), padLeft: Math.floor(pad / 2) };
    const winograd = k === 3 && stride === 1;
    const forward = (v: Variant) =>
      v === 'plain'
        ? tf.conv2d(x, w, stride, 'same')
        : (tf.engine().runKernel(isWinograd(v) ? WasmKernelName.conv2DWinograd : WasmKernelName.conv2D, { x, filter: w }, isWinograd(v) ? {} : attrs) as tf.Tensor);
    add('conv forward (plain = XNNPACK)', `${k}×${k} ${h}²×${cin}→${cout} s${stride} b${n}`, (2 * n * out * out * cout * cin * k * k) / 1e9, compare(forward, winograd));
    tf.dispose([x, w]);
  }
}
if (!values['conv-only']) {
  for (const [h, c] of [[32, 16], [16, 32], [8, 64]] as const) {
    const x = tf.randomNormal([64, h, h, c], 0, 1, 'float32', 4) as tf.Tensor4D;
    const params = { gamma: tf.variable(tf.ones([c])), beta: tf.variable(tf.zeros([c])), runningMean: tf.variable(tf.zeros([c]), false), runningVar: tf.variable(tf.ones([c]), false) };
    const f = () => tf.tidy(() => tf.grads((a: tf.Tensor) => tf.sum(tf.mul(batchNorm(a as tf.Tensor4D, params, { mode: 'train' }), x)))([x])[0]);
    add('BatchNorm forward + backward', `${h}²×${c}`, 0, compare(f));
    tf.dispose([x, ...Object.values(params)]);
  }
  const sizes = [432, ...Array(10).fill(2304), 4608, ...Array(9).fill(9216), 18432, ...Array(9).fill(36864)];
  const params = sizes.map((n, i) => ({ name: `p${i}`, variable: tf.variable(tf.randomNormal([n])) }));
  const grads = Object.fromEntries(params.map((p) => [p.variable.name, tf.randomNormal([p.variable.size])]));
  const sgd = new Sgd(params, { momentum: 0.9, weightDecay: 5e-4 });
  sgd.step(grads, 0.1);
  add('SGD, all ResNet-32 conv weights', `${sizes.length} tensors`, 0, compare(() => (sgd.step(grads, 0.1), [])));
}
console.log(`wasm, ${backend.threads} thread(s), FMA build ${nativeBuild() === 'fma' ? 'available' : 'NOT available (fma = simd)'}; ms per call (median of ${reps}), GFLOP/s where it applies`);
const header = ['pass', 'shape (batch 64)', 'plain ms', 'SIMD ms', 'FMA ms', 'F(2×2) ms', 'Winograd ms', 'plain GFLOP/s', 'SIMD GFLOP/s', 'FMA GFLOP/s', 'F(2×2) GFLOP/s', 'Winograd GFLOP/s', 'SIMD/FMA', 'FMA/Winograd', 'F(2×2)/Winograd'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
for (const r of [header, ...rows]) console.log(`| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
