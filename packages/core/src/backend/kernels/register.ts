import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterFor } from './Conv2DBackpropFilter.js';
import { nativeKernelConfigs } from './native.js';
import { unsortedSegmentSumFor } from './UnsortedSegmentSum.js';

/**
 * Registers lt's implementations of training kernels the wasm backend lacks (PLATFORM.md): the filter gradient of
 * tf.conv2d and the gradient of tf.gather, and lt's native SIMD kernels (kernels/native.ts). A kernel wasm already has
 * is left alone.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of [conv2DBackpropFilterFor('wasm'), unsortedSegmentSumFor('wasm'), ...nativeKernelConfigs]) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
}
