import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from './select.js';

describe('selectBackend', () => {
  it('explains how to install tfjs-node when the tensorflow backend is asked for and absent', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('activates cpu and wasm, and auto falls back to wasm here', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await selectBackend('wasm');
    expect(wasm).toMatchObject({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm' });
    expect(wasm.threads).toBeGreaterThanOrEqual(1);
    expect(tf.getBackend()).toBe('wasm');
    expect((await selectBackend('auto')).name).toBe('wasm');
    await selectBackend('cpu');
  });

  it('rejects an unknown backend name', async () => {
    await expect(selectBackend('webgl' as BackendChoice)).rejects.toThrow(/unknown backend 'webgl'/);
  });
});
