import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from './kernels/register.js';
import { activeWasmThreads, installThreadedWasm, resolveWasmThreads, restoreStockWasmBackend, type WasmThreads } from './threads.js';

/** Options of {@link setWasmBackend}. */
export interface SetWasmBackendOptions {
  /**
   * Threads for the backend: `'auto'` (default) uses every core (at most 64; tfjs's own kernels at most 8 of them) and falls back to one thread, with the
   * reason in `threadsFallback`, where threads cannot start; `1` opts out. `LT_WASM_THREADS` overrides this option.
   */
  readonly threads?: WasmThreads;
}

/** What {@link setWasmBackend} activated. */
export interface WasmBackendInfo {
  /** Threads the backend computes with, read back from it. */
  readonly threads: number;
  /** Why the backend runs fewer (or other) threads than asked for, when it does. */
  readonly threadsFallback?: string;
}

/**
 * Makes 'wasm' the active tfjs backend, able to train: registers the training kernels, starts the threaded build
 * where it can, and activates it. Throws when the thread option is invalid or the backend does not activate.
 */
export async function setWasmBackend(options: SetWasmBackendOptions = {}): Promise<WasmBackendInfo> {
  const request = resolveWasmThreads(options.threads);
  // Imported here, not at the top: importing it registers 'wasm' at a priority above cpu, which would make wasm
  // tfjs's default backend for every program that merely imports this package.
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  let fallback = await installThreadedWasm(request.threads);
  let active = await tf.setBackend('wasm');
  if (!active && fallback === undefined && request.threads > 1) {
    // The threaded backend was registered but would not activate: go back to the stock one.
    restoreStockWasmBackend();
    fallback = 'the threaded wasm backend did not activate';
    active = await tf.setBackend('wasm');
  }
  if (!active) throw new Error('the wasm backend (@tensorflow/tfjs-backend-wasm) could not be initialised');
  const threads = activeWasmThreads();
  const reason =
    threads === request.threads ? request.note : (fallback ?? `${request.threads} threads asked for, the backend runs ${threads}`);
  return reason === undefined ? { threads } : { threads, threadsFallback: reason };
}
