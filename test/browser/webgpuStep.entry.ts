// Browser entry, bundled by test/webgpu-browser.test.ts from the PACKED @lt/backend-webgpu: two SGD-momentum steps of
// a tiny conv → BatchNorm(ReLU) → global average pool → dense → softmax CE network, once with lt's WGSL kernels on
// tfjs's webgpu backend (the backward written out, so every gradient comes from an lt kernel), once with plain tfjs
// ops and tf.grads on the cpu backend of the same page, as the reference. No DOM types: the page only calls
// `globalThis.ltWebGPUStep()`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs bundle does); the reference's tf.grads needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { probeWebGPU, setWebGPUBackend, WebGPUKernelName, type WebGPUAdapter } from '@lt/backend-webgpu';

const [N, H, W, CI, CO, CLASSES] = [4, 8, 8, 3, 8, 5];
const [LR, MOMENTUM, WEIGHT_DECAY, EPSILON, BN_MOMENTUM] = [0.1, 0.9, 1e-3, 1e-5, 0.1];
const STEPS = 2;
// 3×3, stride 1, 'same' padding: one pixel on every side.
const CONV = { stride: 1, padTop: 1, padLeft: 1 } as const;

/** The trained parameters, in the order both sides update them. */
const PARAMS = ['filter', 'gamma', 'beta', 'dense', 'bias'] as const;
type Param = (typeof PARAMS)[number];

/** One side's results, as plain arrays so they cross `page.evaluate`. */
export interface SideResult {
  /** The loss of each step, before that step's update. */
  readonly losses: number[];
  /** The first step's gradients, by parameter, and the input's (from LtConv2DInputGrad on webgpu). */
  readonly grads: Record<Param | 'input', number[]>;
  /** The parameters after every step. */
  readonly params: Record<Param, number[]>;
  /** BatchNorm's running statistics after every step. */
  readonly running: { mean: number[]; variance: number[] };
}

/** What the page returns to the test. */
export interface StepResult {
  /** `tf.getBackend()` while lt's step ran. */
  readonly backend: string;
  /** `probeWebGPU()` in the page. */
  readonly adapter: WebGPUAdapter;
  readonly webgpu: SideResult;
  readonly cpu: SideResult;
}

// A fixed LCG: both sides start from the same numbers without a seeded tfjs random op (which differ per backend).
function values(count: number, seed: number, scale: number, offset = 0): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return offset + scale * (state / 2 ** 32 - 0.5);
  });
}

const data = {
  x: values(N * H * W * CI, 1, 2),
  labels: Float32Array.from({ length: N * CLASSES }, (_, i) => (i % CLASSES === (Math.floor(i / CLASSES) * 2) % CLASSES ? 1 : 0)),
  filter: values(3 * 3 * CI * CO, 2, 0.6),
  gamma: values(CO, 3, 0.4, 1),
  beta: values(CO, 4, 0.2),
  dense: values(CO * CLASSES, 5, 1),
  bias: values(CLASSES, 6, 0.1),
};
const shapes: Record<Param, number[]> = { filter: [3, 3, CI, CO], gamma: [CO], beta: [CO], dense: [CO, CLASSES], bias: [CLASSES] };

const read = async (t: tf.Tensor): Promise<number[]> => Array.from(await t.data());

async function readAll<K extends string>(tensors: Record<K, tf.Tensor>): Promise<Record<K, number[]>> {
  const entries = await Promise.all(Object.entries<tf.Tensor>(tensors).map(async ([k, t]) => [k, await read(t)] as const));
  return Object.fromEntries(entries) as Record<K, number[]>;
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}): tf.Tensor[] => {
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out];
};

/** What one step reads: the batch, the parameters, the momentum buffers (none before the first step), BatchNorm's. */
interface StepInput {
  readonly x: tf.Tensor4D;
  readonly labels: tf.Tensor2D;
  readonly params: Record<Param, tf.Tensor>;
  readonly buffers: Record<Param, tf.Tensor> | undefined;
  readonly running: { mean: tf.Tensor; variance: tf.Tensor };
  readonly step: number;
}

/** What one step returns: its loss and gradients (the input's too), the updated parameters, buffers and statistics. */
// A type, not an interface: tf.tidy takes it as a TensorContainer only with an implicit index signature.
type StepOutput = {
  loss: tf.Tensor;
  grads: Record<Param | 'input', tf.Tensor>;
  next: Record<Param, tf.Tensor>;
  nextBuffers: Record<Param, tf.Tensor>;
  running: { mean: tf.Tensor; variance: tf.Tensor };
};

/** STEPS steps of `step` from the shared initial values; reads back what the two sides are compared on. */
async function train(step: (input: StepInput) => StepOutput): Promise<SideResult> {
  const x = tf.tensor4d(data.x, [N, H, W, CI]);
  const labels = tf.tensor2d(data.labels, [N, CLASSES]);
  let params = Object.fromEntries(PARAMS.map((p) => [p, tf.tensor(data[p], shapes[p])])) as Record<Param, tf.Tensor>;
  let buffers: Record<Param, tf.Tensor> | undefined;
  let running = { mean: tf.zeros([CO]), variance: tf.ones([CO]) };
  const losses: number[] = [];
  let grads: SideResult['grads'] | undefined;
  for (let i = 0; i < STEPS; i++) {
    const out = tf.tidy(() => step({ x, labels, params, buffers, running, step: i }));
    losses.push((await read(out.loss))[0]);
    if (i === 0) grads = await readAll(out.grads);
    tf.dispose([out.loss, ...Object.values(out.grads), ...Object.values(params), ...Object.values(buffers ?? {}), running.mean, running.variance]);
    params = out.next;
    buffers = out.nextBuffers;
    running = out.running;
  }
  const result = { losses, grads: grads!, params: await readAll(params), running: await readAll(running) };
  tf.dispose([x, labels, ...Object.values(params), ...Object.values(buffers ?? {}), running.mean, running.variance]);
  return result;
}

// lt's side: forward and backward by hand, convolution, BatchNorm and the update through lt's kernels by name.
const ltSide = (): Promise<SideResult> =>
  train(({ x, labels, params, buffers, running, step }) => {
    const { filter, gamma, beta, dense, bias } = params;
    const conv = run(WebGPUKernelName.conv2D, { x, filter }, { outShape: [N, H, W, CO], ...CONV })[0];
    const [act, mean, rstd, runningMean, runningVar] = run(
      WebGPUKernelName.batchNormTrain,
      { x: conv, gamma, beta, runningMean: running.mean, runningVar: running.variance },
      { epsilon: EPSILON, momentum: BN_MOMENTUM, relu: true },
    );
    const pooled = tf.mean(act, [1, 2]);
    const logits = tf.add(tf.matMul(pooled, dense), bias);
    const loss = tf.losses.softmaxCrossEntropy(labels, logits);
    // d(mean CE)/d logits = (softmax − labels) / N.
    const dLogits = tf.div(tf.sub(tf.softmax(logits), labels), N);
    const dDense = tf.matMul(pooled, dLogits, true, false);
    const dBias = tf.sum(dLogits, 0);
    const dPooled = tf.matMul(dLogits, dense, false, true);
    const dAct = tf.broadcastTo(tf.div(tf.reshape(dPooled, [N, 1, 1, CO]), H * W), [N, H, W, CO]);
    // y = act gates the gradient through the fused ReLU.
    const [dConv, dGamma, dBeta] = run(WebGPUKernelName.batchNormGrad, { dy: dAct, x: conv, mean, rstd, gamma, y: act });
    const dFilter = run(WebGPUKernelName.conv2DFilterGrad, { x, dy: dConv }, { filterShape: shapes.filter, ...CONV })[0];
    const dInput = run(WebGPUKernelName.conv2DInputGrad, { dy: dConv, filter }, { xShape: [N, H, W, CI], ...CONV })[0];
    const g: Record<Param, tf.Tensor> = { filter: dFilter, gamma: dGamma, beta: dBeta, dense: dDense, bias: dBias };
    const next = {} as Record<Param, tf.Tensor>;
    const nextBuffers = {} as Record<Param, tf.Tensor>;
    for (const p of PARAMS) {
      const buffer = buffers?.[p] ?? g[p];
      [next[p], nextBuffers[p]] = run(WebGPUKernelName.sgdMomentum, { param: params[p], grad: g[p], buffer }, { lr: LR, momentum: MOMENTUM, weightDecay: WEIGHT_DECAY, first: step === 0 });
    }
    return { loss, grads: { ...g, input: dInput }, next, nextBuffers, running: { mean: runningMean, variance: runningVar } };
  });

// The reference: plain tfjs ops, gradients from tf.grads, PyTorch's SGD with momentum and BatchNorm written out.
const referenceSide = (): Promise<SideResult> =>
  train(({ x, labels, params, buffers, running }) => {
    const m = N * H * W;
    const statistics = tf.moments(tf.conv2d(x, params.filter as tf.Tensor4D, 1, 'same'), [0, 1, 2]);
    const lossOf = (input: tf.Tensor, filter: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, dense: tf.Tensor, bias: tf.Tensor) => {
      const conv = tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(conv, [0, 1, 2]);
      const act = tf.relu(tf.add(tf.mul(tf.div(tf.sub(conv, mean), tf.sqrt(tf.add(variance, EPSILON))), gamma), beta));
      const logits = tf.add(tf.matMul(tf.mean(act, [1, 2]) as tf.Tensor2D, dense as tf.Tensor2D), bias);
      return tf.losses.softmaxCrossEntropy(labels, logits);
    };
    const { filter, gamma, beta, dense, bias } = params;
    const loss = lossOf(x, filter, gamma, beta, dense, bias);
    const [dInput, ...gradients] = tf.grads(lossOf)([x, filter, gamma, beta, dense, bias]);
    const g = Object.fromEntries(PARAMS.map((p, i) => [p, gradients[i]])) as Record<Param, tf.Tensor>;
    const next = {} as Record<Param, tf.Tensor>;
    const nextBuffers = {} as Record<Param, tf.Tensor>;
    for (const p of PARAMS) {
      const d = tf.add(g[p], tf.mul(params[p], WEIGHT_DECAY));
      nextBuffers[p] = buffers === undefined ? d : tf.add(tf.mul(buffers[p], MOMENTUM), d);
      next[p] = tf.sub(params[p], tf.mul(nextBuffers[p], LR));
    }
    // Running variance takes the unbiased variance, var·m/(m − 1), as PyTorch's does.
    const nextRunning = {
      mean: tf.add(tf.mul(running.mean, 1 - BN_MOMENTUM), tf.mul(statistics.mean, BN_MOMENTUM)),
      variance: tf.add(tf.mul(running.variance, 1 - BN_MOMENTUM), tf.mul(statistics.variance, (BN_MOMENTUM * m) / (m - 1))),
    };
    return { loss, grads: { ...g, input: dInput }, next, nextBuffers, running: nextRunning };
  });


/** Runs lt's step on webgpu, then the reference on cpu, in this page. */
export async function ltWebGPUStep(): Promise<StepResult> {
  const adapter = await probeWebGPU();
  await setWebGPUBackend();
  // Small inputs would otherwise run tfjs's own ops on the CPU; the step's glue should run on the GPU too.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  const backend = tf.getBackend();
  const webgpu = await ltSide();
  await tf.setBackend('cpu');
  const cpu = await referenceSide();
  return { backend, adapter, webgpu, cpu };
}

(globalThis as { ltWebGPUStep?: typeof ltWebGPUStep }).ltWebGPUStep = ltWebGPUStep;
