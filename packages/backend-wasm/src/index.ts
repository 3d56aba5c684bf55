export { setWasmBackend, type SetWasmBackendOptions, type WasmBackendInfo } from './backend.js';
export { registerWasmTrainingKernels } from './kernels/register.js';
export { WasmKernelName, wasmKernelsReady } from './kernels/native.js';
export { WASM_FMA_ENV, WASM_KERNELS_ENV, WASM_WINOGRAD_ENV } from './native/load.js';
export {
  activeWasmThreads,
  installThreadedWasm,
  resolveWasmThreads,
  restoreStockWasmBackend,
  WASM_THREADS_ENV,
  type WasmThreads,
  type ThreadsRequest,
  type ThreadedWasmTestOptions,
} from './threads.js';
