// `pnpm bench ceiling`: the arithmetic ceiling of this CPU for lt and for PyTorch, one core per thread, as one JSON
// line: multiply-add throughput of wasm SIMD128 (what lt's kernels can use) or of native code with the widest FMA
// the CPU has (what PyTorch's oneDNN kernels use). Compiles ceiling/peak.c with clang (wasm32) or gcc (-march=native);
// prints nothing useful without them (apt-get install clang lld gcc).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { target: { type: 'string', default: 'wasm' }, threads: { type: 'string', default: '2' } } });
const threads = Number(values.threads);
const source = fileURLToPath(new URL('ceiling/peak.c', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'lt-ceiling-'));
const iterations = 100_000_000;

/** GFLOP/s of each of `threads` wasm instances running at once, one per worker thread. */
async function wasmPeak(): Promise<{ perThread: number[]; lanes: number }> {
  const out = join(work, 'peak.wasm');
  execFileSync('clang', ['--target=wasm32', '-O3', '-msimd128', '-nostdlib', '-ffp-contract=off', '-Wl,--no-entry', '-Wl,--export=peak', '-Wl,--export=lanes', '-o', out, source]);
  const bytes = readFileSync(out);
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { peak, lanes } = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), {}).exports;
    peak(workerData.iterations / 100);
    const start = performance.now();
    peak(workerData.iterations);
    const seconds = (performance.now() - start) / 1000;
    parentPort.postMessage((workerData.iterations * 24 * lanes()) / seconds / 1e9);`;
  const perThread = await Promise.all(
    Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => {
      const worker = new Worker(code, { eval: true, workerData: { bytes, iterations } });
      worker.once('message', resolve);
      worker.once('error', reject);
    })),
  );
  return { perThread, lanes: 4 };
}

/** GFLOP/s of each of `threads` native processes running at once. */
async function nativePeak(): Promise<{ perThread: number[]; lanes: number }> {
  const out = join(work, 'peak');
  execFileSync('gcc', ['-O3', '-march=native', '-o', out, source]);
  const runs = await Promise.all(
    Array.from({ length: threads }, () => new Promise<string>((resolve, reject) => {
      const child = spawn(out, [String(iterations * 2)]);
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(text));
    })),
  );
  const parsed = runs.map((line) => line.trim().split(' ').map(Number));
  return { perThread: parsed.map(([gflops]) => gflops), lanes: parsed[0][1] };
}

try {
  const { perThread, lanes } = values.target === 'native' ? await nativePeak() : await wasmPeak();
  const backend = values.target === 'native' ? `native-fma-${lanes * 32}bit` : 'wasm-simd128';
  const gflops = perThread.reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ name: 'multiply-add-ceiling', backend, threads, imagesPerSecond: null, gflops, perThread, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
