import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmBackend } from '../backend.js';

describe('wasm Identity (shared buffer)', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('clones without copying, and a clone outlives its original with the right values', async () => {
    await setWasmBackend();
    const x = tf.tensor1d([1, 2, 3, 4]);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    const y = tf.clone(x);
    // tfjs's own wasm Identity allocates a new buffer (one more data id) and copies into it.
    expect(backend.numDataIds()).toBe(ids);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    const z = tf.add(y, 1);
    expect(Array.from(z.dataSync())).toEqual([2, 3, 4, 5]);
    tf.dispose([y, z]);
    expect(backend.numDataIds()).toBe(ids - 1);
  });
});
