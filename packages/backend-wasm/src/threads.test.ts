import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmBackend } from './backend.js';
import { installThreadedWasm, MAX_WASM_THREADS, resolveWasmThreads, restoreStockWasmBackend } from './threads.js';

const cores = availableParallelism();
const expectedThreads = Math.min(cores, MAX_WASM_THREADS);

describe('resolveWasmThreads', () => {
  it('takes every core for auto, the option otherwise, and LT_WASM_THREADS over both', () => {
    expect(resolveWasmThreads(undefined, {}, 2)).toEqual({ threads: 2 });
    expect(resolveWasmThreads('auto', {}, 6)).toEqual({ threads: 6 });
    expect(resolveWasmThreads(1, {}, 2)).toEqual({ threads: 1 });
    expect(resolveWasmThreads('auto', { LT_WASM_THREADS: '1' }, 2)).toEqual({ threads: 1 });
    expect(resolveWasmThreads(1, { LT_WASM_THREADS: 'auto' }, 4)).toEqual({ threads: 4 });
    expect(resolveWasmThreads(1, { LT_WASM_THREADS: ' 3 ' }, 4)).toEqual({ threads: 3 });
    expect(resolveWasmThreads(2, { LT_WASM_THREADS: '' }, 4)).toEqual({ threads: 2 });
  });

  it('takes 16 or 64 cores whole, caps above 64 with a note, and rejects counts that are not positive integers', () => {
    expect(resolveWasmThreads('auto', {}, 16)).toEqual({ threads: 16 });
    expect(resolveWasmThreads('auto', {}, 64)).toEqual({ threads: 64 });
    expect(resolveWasmThreads('auto', {}, 96)).toEqual({ threads: 64, note: expect.stringMatching(/96 threads asked for; .* at most 64/) });
    expect(() => resolveWasmThreads(0, {}, 2)).toThrow(/threads must be 'auto' or a positive integer, got '0'/);
    expect(() => resolveWasmThreads(1.5, {}, 2)).toThrow(/got '1.5'/);
    expect(() => resolveWasmThreads('auto', { LT_WASM_THREADS: 'two' }, 2)).toThrow(/LT_WASM_THREADS='two' must be/);
    expect(() => resolveWasmThreads('auto', { LT_WASM_THREADS: '0' }, 2)).toThrow(/LT_WASM_THREADS='0' must be/);
  });
});

// One process, in order: failed starts (which must leave the stock backend untouched), the threaded backend,
// then the stock one again for comparison.
describe('the threaded wasm backend', () => {
  const processState = () => ({
    worker: 'Worker' in globalThis,
    uncaught: process.listenerCount('uncaughtException'),
    rejection: process.listenerCount('unhandledRejection'),
  });

  it('reports why it could not start when a pthread worker fails, and leaves nothing behind', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    const before = processState();
    const reason = await installThreadedWasm(2, { workerScript: "throw new Error('worker boom');" });
    expect(reason).toMatch(/a wasm pthread worker failed to start: worker boom/);
    expect(processState()).toEqual(before);
    expect(tf.engine().registry.wasm).toBeUndefined();
  });

  it('reports a pthread worker that exits, and gives up after a timeout when one never loads', async () => {
    const before = processState();
    expect(await installThreadedWasm(2, { workerScript: '' })).toMatch(/a wasm pthread worker exited while starting/);
    const stalled = installThreadedWasm(2, { workerScript: 'setInterval(() => {}, 1000);', timeoutMs: 1500 });
    expect(await stalled).toMatch(/did not start within 1.5 s/);
    expect(processState()).toEqual(before);
    expect(tf.engine().registry.wasm).toBeUndefined();
  });

  it('runs every core by default, read back from the backend, without leaving a Worker global', async () => {
    const info = await setWasmBackend();
    expect(info).toEqual({ threads: expectedThreads });
    expect(tf.getBackend()).toBe('wasm');
    expect('Worker' in globalThis).toBe(false);
  });

  it('computes a conv and a matmul exactly as the single-threaded backend does', async () => {
    const inputs = () => ({
      x: tf.randomNormal([8, 32, 32, 16], 0, 1, 'float32', 1) as tf.Tensor4D,
      w: tf.randomNormal([3, 3, 16, 32], 0, 1, 'float32', 2) as tf.Tensor4D,
      a: tf.randomNormal([256, 512], 0, 1, 'float32', 3) as tf.Tensor2D,
      b: tf.randomNormal([512, 128], 0, 1, 'float32', 4) as tf.Tensor2D,
    });
    const compute = () => {
      const { x, w, a, b } = inputs();
      const conv = tf.conv2d(x, w, [2, 1], 'same').dataSync().slice();
      const product = tf.matMul(a, b).dataSync().slice();
      tf.dispose([x, w, a, b]);
      return { conv, product };
    };
    const threaded = compute();

    // Threads are fixed once the backend has started: asking for one thread now says so.
    const again = await setWasmBackend({ threads: 1 });
    expect(again.threads).toBe(expectedThreads);
    if (expectedThreads > 1) expect(again.threadsFallback).toMatch(/already runs \d+ threads/);

    restoreStockWasmBackend();
    const single = await setWasmBackend({ threads: 1 });
    expect(single).toEqual({ threads: 1 });
    const reference = compute();
    for (const key of ['conv', 'product'] as const) {
      expect(threaded[key].length).toBe(reference[key].length);
      let worst = 0;
      threaded[key].forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - reference[key][i]) / Math.max(1, Math.abs(reference[key][i])));
      });
      expect(worst).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('a process on the threaded wasm backend', () => {
  const fixture = fileURLToPath(new URL('./threads.fixture.ts', import.meta.url));
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const kernelsFixture = fileURLToPath(new URL('./kernels/threadCounts.fixture.ts', import.meta.url));
  const runScript = (script: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
    new Promise<{ code: number | null; killed: boolean; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', script, ...args],
        { cwd: root, env: { ...process.env, ...env }, timeout: 90_000 },
        (_, stdout, stderr) => resolve({ code: child.exitCode, killed: child.killed, stdout, stderr }),
      );
    });
  const run = (env: NodeJS.ProcessEnv, ...args: string[]) => runScript(fixture, env, ...args);

  it('exits on its own once its work is done', async () => {
    const env = { LT_WASM_THREADS: '' };
    const result = await run(env);
    expect(result.killed, result.stderr).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ backend: 'wasm', threads: expectedThreads, workerGlobal: false });
  });

  it('runs one thread with LT_WASM_THREADS=1, whatever the code asks for', async () => {
    const result = await run({ LT_WASM_THREADS: '1' }, 'auto');
    expect(result.code, result.stderr).toBe(0);
    const info = JSON.parse(result.stdout) as { threads: number; threadsFallback?: string; sum: number };
    expect(info.threads).toBe(1);
    expect(info.threadsFallback).toBeUndefined();
  });

  it("gives bit-identical results from every pooled kernel on 1, 3 and 12 threads (more than tfjs's 8 and than the cores)", async () => {
    const results = [];
    for (const threads of ['1', '3', '12']) {
      const result = await runScript(kernelsFixture, { LT_WASM_THREADS: threads });
      expect(result.code, result.stderr).toBe(0);
      results.push(JSON.parse(result.stdout) as { threads: number; poolThreads: number; xnnpack: number; hashes: Record<string, string> });
    }
    expect(results.map((r) => [r.threads, r.poolThreads, r.xnnpack])).toEqual([[1, 1, 1], [3, 3, 3], [12, 12, 8]]);
    expect(Object.keys(results[0].hashes)).toHaveLength(10);
    for (const r of results.slice(1)) expect(r.hashes).toEqual(results[0].hashes);
  });
});
