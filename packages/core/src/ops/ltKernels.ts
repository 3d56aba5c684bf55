import { getBackend, getKernel } from '@tensorflow/tfjs-core';
import { wasmKernelsReady } from '@lt/backend-wasm';

/**
 * The names of lt's fused training kernels; a backend package registers the ones it implements, each with the inputs,
 * attrs and outputs documented in @lt/backend-wasm's native.ts (`WasmKernelName`).
 */
export const LtKernel = {
  sgdMomentum: 'LtSgdMomentum',
  batchNormTrain: 'LtBatchNormTrain',
  batchNormGrad: 'LtBatchNormGrad',
  batchNormEval: 'LtBatchNormEval',
  conv2DFilterGrad: 'LtConv2DFilterGrad',
  conv2DInputGrad: 'LtConv2DInputGrad',
  conv2D: 'LtConv2D',
  conv2DWinograd: 'LtConv2DWinograd',
  conv2DWinogradFilterGrad: 'LtConv2DWinogradFilterGrad',
} as const;

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
