// Times one training configuration in its own process (so peak RSS is this configuration's alone) and prints
// one JSON line: { name, backend, threads, imagesPerSecond, medianStepMs, peakRssMB, steps }.
import { parseArgs } from 'node:util';
import { selectBackend, type BackendChoice } from '@lt/core';
import { workloads } from './workloads.js';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    // wasm threads: `auto` (default, every core) or a count; LT_WASM_THREADS overrides it.
    threads: { type: 'string', default: 'auto' },
  },
});

const name = values.name ?? '';
const make = workloads[name];
if (make === undefined) throw new Error(`unknown workload '${name}' (known: ${Object.keys(workloads).join(', ')})`);
const backend = await selectBackend(values.backend as BackendChoice, {
  threads: values.threads === 'auto' ? 'auto' : Number(values.threads),
});
const workload = make();
const times: number[] = [];
const steps = Number(values.steps);
for (let i = 0; i < Number(values.warmup) + steps; i++) {
  const start = performance.now();
  const loss = workload.step();
  await loss.data();
  loss.dispose();
  if (i >= Number(values.warmup)) times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  JSON.stringify({
    name,
    backend: backend.name,
    threads: backend.threads,
    ...(backend.threadsFallback === undefined ? {} : { threadsFallback: backend.threadsFallback }),
    imagesPerSecond: (workload.batch * 1000) / median,
    medianStepMs: median,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    steps,
  }),
);
