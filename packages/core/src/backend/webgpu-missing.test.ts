import { describe, expect, it } from 'vitest';
import { selectBackend } from './select.js';

// A Vulkan driver list naming nothing: Dawn loads and finds no adapter, as on a machine without a GPU driver.
process.env.VK_DRIVER_FILES = '/nonexistent/icd.json';

describe("backend 'webgpu' without an adapter", () => {
  it('auto passes over it silently', async () => {
    expect((await selectBackend('auto')).name).toBe('wasm');
  });

  it('asked for by name, says which Vulkan pieces are missing', async () => {
    await expect(selectBackend('webgpu')).rejects.toThrow(/backend 'webgpu': no WebGPU adapter: .*libvulkan1.*VK_DRIVER_FILES/);
  });
});
