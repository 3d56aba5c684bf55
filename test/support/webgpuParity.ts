// cpu-against-webgpu parity for tests of @lt/core's ops and the plugins on lt's WGSL kernels. WebGPU runs on Dawn over
// SwiftShader (Debian chromium's CPU Vulkan driver) unless VK_DRIVER_FILES already names a driver.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../packages/core/src/index.js';

process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Runs `f` (in a tidy) on cpu, then on webgpu, and returns both results as plain arrays, read with `data()` (webgpu
 * has no synchronous read in Node). On webgpu tfjs's small-input shortcut to its cpu kernels is off, so every op runs
 * on the device.
 */
export async function onCpuAndWebGPU(f: () => tf.Tensor[]): Promise<{ cpu: number[][]; gpu: number[][] }> {
  const run = async () => {
    const out = tf.tidy(f);
    const result = await Promise.all(out.map(async (t) => Array.from(await t.data())));
    tf.dispose(out);
    return result;
  };
  await selectBackend('cpu');
  const cpu = await run();
  await selectBackend('webgpu');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  return { cpu, gpu: await run() };
}
