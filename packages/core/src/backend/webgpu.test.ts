import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, selectBackend } from './select.js';

// Debian chromium's SwiftShader, a CPU Vulkan driver: the only WebGPU adapter a machine without a GPU has.
process.env.VK_DRIVER_FILES = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe("backend 'webgpu' on a software adapter", () => {
  it('auto never takes a software adapter', async () => {
    expect((await selectBackend('auto')).name).toBe('wasm');
  });

  it('runs when asked for by name, records the adapter and warns that it is slow', async () => {
    const info = await selectBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(info).toMatchObject({ name: 'webgpu', adapter: { vendor: 'google', architecture: 'swiftshader', software: true, provider: 'dawn' } });
    expect(info.warning).toMatch(/software adapter .*slower than --backend wasm/);
    expect(describeBackend(info)).toMatch(/^webgpu \(.*Dawn.*adapter google swiftshader .*software\)$/);
    const y = tf.add(tf.tensor([1, 2]), 1);
    expect(Array.from(await y.data())).toEqual([2, 3]);
    y.dispose();
    await selectBackend('cpu');
  });
});
