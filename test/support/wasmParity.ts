// cpu-against-wasm parity helpers, shared by the tests of @lt/backend-wasm's kernels and of @lt/core's ops on them.
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradient functions by itself (tfjs-layers, which @lt/core imports, registers them all).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmBackend, WASM_FMA_ENV } from '@lt/backend-wasm';

/** Runs `f` (in a tidy) on cpu and then on wasm, and returns both results as plain arrays. */
export async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = () => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  };
  await tf.setBackend('cpu');
  // Without this the cpu backend prints an advert for tfjs-node into the test output.
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
  const cpu = run();
  await setWasmBackend();
  const wasm = run();
  return { cpu, wasm };
}

/** Every value within `tolerance` of the expected one, relative to the largest magnitude (at least 1). */
export function expectClose(actual: number[][], expected: number[][], tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => {
    expect(values.length).toBe(expected[i].length);
    // A loop, not Math.max(...values): arrays of a few hundred thousand values overflow the call stack.
    const scale = expected[i].reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    values.forEach((v, j) => expect(Math.abs(v - expected[i][j]) / scale).toBeLessThan(tolerance));
  });
}

/** Runs `f` with LT_WASM_FMA set for `build` (0 for simd, unset for fma), restoring the environment afterwards. */
export async function withBuild<T>(build: 'simd' | 'fma', f: () => Promise<T>): Promise<T> {
  if (build === 'simd') process.env[WASM_FMA_ENV] = '0';
  try {
    return await f();
  } finally {
    delete process.env[WASM_FMA_ENV];
  }
}
