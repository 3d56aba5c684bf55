// cpu-against-wasm parity helpers, shared by the tests of @lt/backend-wasm's kernels and of @lt/core's ops on them.
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

export { expectClose } from './close.js';

/** Runs `f` with LT_WASM_FMA set for `build` (0 for simd, unset for fma), restoring the environment afterwards. */
export async function withBuild<T>(build: 'simd' | 'fma', f: () => Promise<T>): Promise<T> {
  if (build === 'simd') process.env[WASM_FMA_ENV] = '0';
  try {
    return await f();
  } finally {
    delete process.env[WASM_FMA_ENV];
  }
}

/** Convolutions of odd shapes for every conv kernel: [name, x shape, filter shape, stride, pad]. */
export const convCases: Array<[string, number[], number[], number, 'same' | 'valid' | number]> = [
  ['3×3 stride 1 same, 3 → 5 channels', [2, 6, 7, 3], [3, 3, 3, 5], 1, 'same'],
  ['3×3 stride 1 same, 3 → 8, 7×6', [2, 7, 6, 3], [3, 3, 3, 8], 1, 'same'],
  ['3×3 stride 2 same, odd size, 6 → 12', [2, 7, 7, 6], [3, 3, 6, 12], 2, 'same'],
  ['3×3 stride 2 pad 1, 8 → 16, 9×7', [2, 9, 7, 8], [3, 3, 8, 16], 2, 1],
  ['3×2 stride 1 valid, 4 → 9', [2, 9, 8, 4], [3, 2, 4, 9], 1, 'valid'],
  ['3×2 stride 1 valid, 5 → 4', [2, 9, 8, 5], [3, 2, 5, 4], 1, 'valid'],
  ['1×1 stride 2, 5 → 4', [2, 6, 6, 5], [1, 1, 5, 4], 2, 'same'],
  ['1×1 stride 2, 16 → 20', [2, 6, 6, 16], [1, 1, 16, 20], 2, 'same'],
  ['5×5 stride 1 pad 2, 16 → 8, 6×5', [1, 6, 5, 16], [5, 5, 16, 8], 1, 2],
  ['3×3 stride 2 same, 12 → 4, odd sizes', [2, 9, 7, 12], [3, 3, 12, 4], 2, 'same'],
  ['3×3 stride 1 same, 32 → 36, 5×11', [3, 5, 11, 32], [3, 3, 32, 36], 1, 'same'],
];
