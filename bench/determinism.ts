// `node --import tsx bench/determinism.ts [workload] [--steps N] [--threads N]`: runs a workload's training step N
// times with every kernel of the active backend run twice on the same inputs, and prints each kernel whose two
// outputs differ in any bit (with shapes and the range of differing elements), then the call counts. Any line before
// the summary is a race or a read of uninitialised memory; this is how the thread pool's late-wake-up race was found
// (docs/performance.md, Threads). The races it hunts need a thread descheduled at the wrong moment: that one showed
// within minutes with two of these beside two training processes on 2 cores, and not in 3 minutes on a merely busy one.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from '@lt/core';
import { workloads } from './workloads.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { backend: { type: 'string', default: 'wasm' }, threads: { type: 'string', default: 'auto' }, steps: { type: 'string', default: '200' } },
});
const name = positionals[0] ?? 'resnet32-train-b64';
const make = workloads[name];
if (make === undefined) throw new Error(`unknown workload '${name}' (known: ${Object.keys(workloads).join(', ')})`);
const backend = await selectBackend(values.backend as BackendChoice, { threads: values.threads === 'auto' ? 'auto' : Number(values.threads) });

interface Readable {
  readSync(dataId: object): ArrayLike<number>;
  disposeData(dataId: object): void;
}
const calls = new Map<string, number>();
const differing = new Map<string, number>();
for (const kernel of tf.getKernelsForBackend(backend.name)) {
  const original = kernel.kernelFunc;
  tf.unregisterKernel(kernel.kernelName, backend.name);
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      const result = original(args) as tf.TensorInfo | tf.TensorInfo[];
      const first = [result].flat();
      const second = [original(args) as tf.TensorInfo | tf.TensorInfo[]].flat();
      const io = args.backend as unknown as Readable;
      calls.set(kernel.kernelName, (calls.get(kernel.kernelName) ?? 0) + 1);
      first.forEach((out, i) => {
        const [a, b] = [io.readSync(out.dataId), io.readSync(second[i].dataId)];
        let count = 0;
        let [low, high] = [-1, -1];
        for (let j = 0; j < a.length; j++) {
          if (Object.is(a[j], b[j])) continue;
          count++;
          if (low < 0) low = j;
          high = j;
        }
        if (count === 0) return;
        differing.set(kernel.kernelName, (differing.get(kernel.kernelName) ?? 0) + 1);
        const shapes = Object.entries(args.inputs).map(([input, t]) => `${input} [${(t as tf.TensorInfo).shape.join(', ')}]`).join(', ');
        console.log(`${kernel.kernelName} output ${i} [${out.shape.join(', ')}]: ${count} of ${a.length} values differ, in [${low}, ${high}] · ${shapes} · ${JSON.stringify(args.attrs)}`);
      });
      for (const out of second) io.disposeData(out.dataId);
      return result;
    },
  });
}

const workload = make();
const steps = Number(values.steps);
for (let step = 0; step < steps; step++) workload.step().dispose();
console.log(`${name} on ${backend.name} (${backend.threads} threads), ${steps} steps, every kernel twice: ${[...calls.values()].reduce((a, b) => a + b, 0)} calls, ${[...differing.values()].reduce((a, b) => a + b, 0)} differing`);
for (const [kernel, count] of differing) console.log(`- ${kernel}: ${count} of ${calls.get(kernel)} calls differed`);
