import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchNormEval, batchNormGrad, batchNormTrain } from './batchNorm.js';
import { conv2D, conv2DFilterGrad, conv2DInputGrad } from './conv2d.js';
import { isotonic, isotonicGrad } from './isotonic.js';
import { sgdMomentum } from './sgd.js';

/** Every kernel this package implements for 'webgpu'. */
export const webgpuKernelConfigs: readonly KernelConfig[] = [sgdMomentum, batchNormTrain, batchNormGrad, batchNormEval, conv2D, conv2DInputGrad, conv2DFilterGrad, isotonic, isotonicGrad];

/** Registers lt's WGSL kernels for the 'webgpu' backend (once; a kernel already registered is left alone). */
export function registerWebGPUTrainingKernels(): void {
  for (const config of webgpuKernelConfigs) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
}
