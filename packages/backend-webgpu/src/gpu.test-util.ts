import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWebGPUBackend } from './setup.js';

/** Debian chromium's SwiftShader: a CPU Vulkan driver, so WebGPU kernels are tested on machines without a GPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Points Dawn at SwiftShader unless VK_DRIVER_FILES already names a driver, then activates webgpu. */
export async function useWebGPU(): Promise<void> {
  if (process.env.VK_DRIVER_FILES === undefined && existsSync(SWIFTSHADER_ICD)) process.env.VK_DRIVER_FILES = SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  await setWebGPUBackend();
}

/** Runs `f` (in a tidy) on cpu and then on webgpu, and returns both results as plain arrays. */
export async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; gpu: number[][] }> {
  const run = async () => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = await Promise.all(list.map(async (t) => Array.from(await t.data())));
    tf.dispose(list);
    return values;
  };
  await tf.setBackend('cpu');
  const cpu = await run();
  await useWebGPU();
  const gpu = await run();
  return { cpu, gpu };
}

export { expectClose } from '../../../test/support/close.js';

/** GPU bytes in use and live tensors on the active webgpu backend, after the queued work has finished. */
export async function gpuFootprint(): Promise<{ tensors: number; bytes: number }> {
  // tfjs releases a disposed tensor's buffer at the next queue submit after the commands that used it, so submit once
  // (ending the open compute pass first, as tfjs does: a pass left open on a finished encoder drops later dispatches).
  const backend = tf.backend() as unknown as { ensureCommandEncoderReady(): void; endComputePassEncoder(): void; submitQueue(): void };
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { tensors: memory.numTensors, bytes: memory.numBytesInGPU ?? 0 };
}

/** Seeded normal values of `shape` as a plain nested array (backend-independent inputs). */
export const values = (shape: number[], seed: number) => tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).arraySync());
