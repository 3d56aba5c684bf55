import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

type Call = (backend: WebGPUBackend, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo | TensorInfo[];

/** A 'webgpu' kernel config whose inputs must all be float32 (lt's kernels read f32 buffers). */
export function webgpuKernel(kernelName: string, call: Call): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    for (const [name, info] of Object.entries(inputs as Record<string, TensorInfo>)) {
      if (info.dtype !== 'float32') throw new Error(`lt: ${kernelName} input '${name}' must be float32, got ${info.dtype}`);
    }
    return call(backend as WebGPUBackend, inputs as Record<string, TensorInfo>, attrs as Record<string, unknown>);
  };
  return { kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as KernelFunc };
}
