import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../index.js';

/** Runs `f` (in a tidy) on cpu and then on wasm, and returns both results as plain arrays. */
export async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = () => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  };
  await selectBackend('cpu');
  const cpu = run();
  await selectBackend('wasm');
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
