import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterFor } from './Conv2DBackpropFilter.js';
import { nativeKernelConfigs } from './native.js';
import { maxPoolGradFor } from './MaxPoolGrad.js';
import { identityFor } from './Identity.js';
import { unsortedSegmentSumFor } from './UnsortedSegmentSum.js';

/**
 * Kernels wasm has but gets wrong: MaxPoolGrad (tfjs-backend-wasm 4.22 drops gradient with several channels), and
 * Identity, which copies where sharing the buffer is enough (Identity.ts).
 */
const wasmReplacements = [maxPoolGradFor('wasm'), identityFor('wasm')];

/**
 * Registers lt's implementations of training kernels the wasm backend lacks (PLATFORM.md): the filter gradient of
 * tf.conv2d and the gradient of tf.gather, and lt's native SIMD kernels (kernels/native.ts). A kernel wasm already has
 * is left alone, except the ones it gets wrong.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of [conv2DBackpropFilterFor('wasm'), unsortedSegmentSumFor('wasm'), ...nativeKernelConfigs]) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
  for (const config of wasmReplacements) {
    const current = getKernel(config.kernelName, config.backendName);
    if (current === config) continue;
    if (current !== undefined) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
