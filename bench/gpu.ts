// `pnpm bench --backend webgpu [--quick] [--count-only] [--steps N] [--lt-kernels off] [--torch-script PATH] [workload…]`:
// the GPU table. Each workload's
// training step on the webgpu backend: images/s (median of the timed steps), compute dispatches and queue submits per
// step, GPU time per step (tf.profile's kernel time, from timestamp queries) and CPU time per step; then, where
// `python3` has PyTorch with CUDA, the same workloads on PyTorch CUDA and the ratio. One process, so it can be bundled
// and carried to a GPU machine as it is. `--lt-kernels off` runs tfjs's own kernels (the baseline lt's replace).
// Without a GPU, Dawn runs on SwiftShader (VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json): its times
// are a CPU's, but the dispatch counts are the GPU's; `--count-only` measures just those (one step after a warm-up).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, describeBackend } from '@lt/core';
import { countDispatches, webgpuKernelConfigs } from '@lt/backend-webgpu';
import { workloads, type Workload } from './workloads.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: 'webgpu' },
    quick: { type: 'boolean', default: false },
    'count-only': { type: 'boolean', default: false },
    steps: { type: 'string' },
    'lt-kernels': { type: 'string', default: 'on' },
    torch: { type: 'string', default: 'python3' },
    // Where bench/torch_reference.py is when this file runs bundled elsewhere (a GPU machine's copy of the repo).
    'torch-script': { type: 'string', default: fileURLToPath(new URL('torch_reference.py', import.meta.url)) },
  },
});

/** The GPU table: workload and its PyTorch CUDA counterpart (bench/torch_reference.py). */
const table = ['resnet32-train-b64', 'resnet32-train-b512', 'resnet32-eval-b1000', 'resnet32wide-train-b128', 'resnet50-train-b32-224'];
const names = positionals.length > 0 ? positionals : values.quick ? ['resnet32-train-b64'] : table;
const steps = Number(values.steps ?? (values.quick ? 3 : 10));
const warmup = values.quick ? 1 : 3;

const backend = await selectBackend('webgpu');
process.stderr.write(`bench: ${describeBackend(backend)}\n`);
if (values['lt-kernels'] === 'off') for (const config of webgpuKernelConfigs) tf.unregisterKernel(config.kernelName, config.backendName);

const kernelsLabel = `webgpu${values['lt-kernels'] === 'off' ? ' (tfjs kernels)' : ''}`;

interface GpuRow {
  name: string;
  backend: string;
  imagesPerSecond: number;
  medianStepMs: number;
  dispatchesPerStep: number;
  submitsPerStep: number;
  gpuMsPerStep: number;
  cpuMsPerStep: number;
}

async function timeStep(workload: Workload): Promise<number> {
  const start = performance.now();
  const loss = workload.step();
  await loss.data();
  loss.dispose();
  return performance.now() - start;
}

async function measure(name: string): Promise<GpuRow> {
  const workload = workloads[name]();
  if (values['count-only']) {
    await timeStep(workload);
    const { result, dispatches, submits } = await countDispatches(() => timeStep(workload));
    return { name, backend: kernelsLabel, imagesPerSecond: (workload.batch * 1000) / result, medianStepMs: result, dispatchesPerStep: dispatches, submitsPerStep: submits, gpuMsPerStep: Number.NaN, cpuMsPerStep: Number.NaN };
  }
  for (let i = 0; i < warmup; i++) await timeStep(workload);
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < steps; i++) times.push(await timeStep(workload));
  const used = process.cpuUsage(cpu);
  const counted = await countDispatches(() => timeStep(workload));
  const profile = await tf.profile(() => workload.step());
  const gpuMs = (await Promise.all(profile.kernels.map((k) => k.kernelTimeMs))).reduce<number>((sum, ms) => sum + Number(ms), 0);
  tf.dispose(profile.result as tf.Tensor);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return {
    name,
    backend: kernelsLabel,
    imagesPerSecond: (workload.batch * 1000) / median,
    medianStepMs: median,
    dispatchesPerStep: counted.dispatches,
    submitsPerStep: counted.submits,
    gpuMsPerStep: gpuMs,
    cpuMsPerStep: (used.user + used.system) / 1000 / steps,
  };
}

function torchCuda(name: string): { imagesPerSecond: number } | undefined {
  if (values['count-only']) return undefined;
  try {
    const out = execFileSync(values.torch, [values['torch-script'], '1', name, 'cuda'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out.trim().split('\n').pop() ?? '') as { imagesPerSecond: number };
  } catch {
    return undefined;
  }
}

const rows: string[][] = [];
for (const name of names) {
  process.stderr.write(`bench: ${name} …\n`);
  const row = await measure(name);
  const torch = torchCuda(name);
  console.log(JSON.stringify({ ...row, adapter: backend.adapter, torchCudaImagesPerSecond: torch?.imagesPerSecond ?? null }));
  rows.push([
    name,
    row.imagesPerSecond.toFixed(1),
    torch === undefined ? '' : torch.imagesPerSecond.toFixed(0),
    torch === undefined ? '' : `${(row.imagesPerSecond / torch.imagesPerSecond).toFixed(3)}×`,
    String(row.dispatchesPerStep),
    String(row.submitsPerStep),
    row.gpuMsPerStep.toFixed(1),
    row.cpuMsPerStep.toFixed(1),
    row.medianStepMs.toFixed(1),
  ]);
}
const header = ['workload', 'lt img/s', 'PyTorch CUDA img/s', 'ratio', 'dispatches/step', 'submits/step', 'GPU ms/step', 'CPU ms/step', 'step ms'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([`${describeBackend(backend)}${values['lt-kernels'] === 'off' ? ', tfjs kernels only' : ''}`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
