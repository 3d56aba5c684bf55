// `pnpm exec tsx bench/profile.ts [workload] [--backend wasm] [--threads auto|N]`: where one training step spends
// its time, per kernel (tf.profile over one step after warm-up), largest first.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from '@lt/core';
import { workloads } from './workloads.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { backend: { type: 'string', default: 'wasm' }, threads: { type: 'string', default: 'auto' } },
});
const name = positionals[0] ?? 'resnet32-train-b64';
const make = workloads[name];
if (make === undefined) throw new Error(`unknown workload '${name}' (known: ${Object.keys(workloads).join(', ')})`);
const backend = await selectBackend(values.backend as BackendChoice, { threads: values.threads === 'auto' ? 'auto' : Number(values.threads) });
const workload = make();
for (let i = 0; i < 2; i++) workload.step().dispose();
const started = performance.now();
const info = await tf.profile(() => workload.step());
const wallMs = performance.now() - started;
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  entry.ms += Number(await k.kernelTimeMs);
  entry.calls += 1;
  byKernel.set(k.name, entry);
}
const total = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
console.log(`${name} on ${backend.name} (${backend.threads} threads): kernels ${total.toFixed(0)} ms of a ${wallMs.toFixed(0)} ms profiled step`);
for (const [kernel, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`${kernel.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${calls} calls`);
}
