import { getBackend, getKernel } from '@tensorflow/tfjs-core';
import { WasmKernelName, wasmKernelsReady } from '@lt/backend-wasm';

/**
 * The names of lt's fused training kernels, one table for every backend: @lt/backend-wasm implements them all and
 * documents each one's inputs, attrs and outputs there (`WasmKernelName`); another backend package registers the ones
 * it implements under the same names.
 */
export const LtKernel = WasmKernelName;

/** One of lt's fused training kernel names. */
export type LtKernelName = (typeof LtKernel)[keyof typeof LtKernel];

/**
 * Whether the active backend has kernel `name` registered, and, on wasm, lt's kernels are loaded into its memory
 * (they are registered for 'wasm' before they can load, and LT_WASM_KERNELS=0 turns them off).
 */
export function ltKernelActive(name: string): boolean {
  const backend = getBackend();
  return getKernel(name, backend) !== undefined && (backend !== 'wasm' || wasmKernelsReady());
}
