export { setWebGPUBackend, probeWebGPU, WebGPUUnavailable, type WebGPUAdapter, type ProbeOptions } from './setup.js';
export { registerWebGPUTrainingKernels, webgpuKernelConfigs } from './kernels/register.js';
export { WebGPUKernelName } from './kernels/names.js';
export { countDispatches, type DispatchCount } from './count.js';
