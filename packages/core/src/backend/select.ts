import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '../errors.js';
import { registerWasmTrainingKernels } from './kernels/register.js';
import { activeWasmThreads, installThreadedWasm, resolveWasmThreads, restoreStockWasmBackend, type WasmThreads } from './wasmThreads.js';
import { activateWebGPU, autoWebGPU, type AdapterInfo, type WebGPUActivation } from './webgpu.js';

/**
 * Which TensorFlow.js backend to run on; `auto` takes the fastest one available: tensorflow, then webgpu on a
 * hardware adapter (never a software one), then wasm, then cpu.
 */
export type BackendChoice = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** The backend a run actually uses. */
export interface BackendInfo {
  readonly name: string;
  /** Threads the backend computes with, read back from it (0: the backend manages its own, as tfjs-node does). */
  readonly threads: number;
  /** The npm package that provided it. */
  readonly package: string;
  /** Why the wasm backend runs fewer (or other) threads than asked for, when it does. */
  readonly threadsFallback?: string;
  /** The GPU adapter of the webgpu backend. */
  readonly adapter?: AdapterInfo;
  /** Something about this backend the user should know before a long run (a software WebGPU adapter). */
  readonly warning?: string;
}

export interface SelectBackendOptions {
  /**
   * Threads for the `wasm` backend: `'auto'` (default) uses every core (at most 8) and falls back to one
   * thread, with the reason in `threadsFallback`, where threads cannot start; `1` opts out. The environment
   * variable `LT_WASM_THREADS` (`1`, `auto` or a count) overrides this option.
   */
  readonly threads?: WasmThreads;
}

const nodeBindings = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

async function tryImport(specifier: string): Promise<boolean> {
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional peer at build time.
    await import(/* @vite-ignore */ specifier);
    return true;
  } catch {
    return false;
  }
}

async function useTensorflow(): Promise<BackendInfo | undefined> {
  for (const pkg of nodeBindings) {
    if ((await tryImport(pkg)) && (await tf.setBackend('tensorflow'))) {
      return { name: 'tensorflow', threads: 0, package: pkg };
    }
  }
  return undefined;
}

async function useWasm(threadsOption: WasmThreads | undefined): Promise<BackendInfo | undefined> {
  const request = resolveWasmThreads(threadsOption);
  if (!(await tryImport('@tensorflow/tfjs-backend-wasm'))) return undefined;
  registerWasmTrainingKernels();
  let fallback = await installThreadedWasm(request.threads);
  let active = await tf.setBackend('wasm');
  if (!active && fallback === undefined && request.threads > 1) {
    // The threaded backend was registered but would not activate: go back to the stock one.
    restoreStockWasmBackend();
    fallback = 'the threaded wasm backend did not activate';
    active = await tf.setBackend('wasm');
  }
  if (!active) return undefined;
  const threads = activeWasmThreads();
  const reason =
    threads === request.threads ? request.note : (fallback ?? `${request.threads} threads asked for, the backend runs ${threads}`);
  return {
    name: 'wasm',
    threads,
    package: '@tensorflow/tfjs-backend-wasm',
    ...(reason === undefined ? {} : { threadsFallback: reason }),
  };
}

const webgpuInfo = ({ adapter, warning }: WebGPUActivation): BackendInfo => ({
  name: 'webgpu',
  threads: 0,
  package: adapter.provider === 'dawn' ? '@tensorflow/tfjs-backend-webgpu on Dawn (webgpu)' : '@tensorflow/tfjs-backend-webgpu',
  adapter,
  ...(warning === undefined ? {} : { warning }),
});

async function useCpu(): Promise<BackendInfo> {
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  // The cpu backend prints an advert for tfjs-node on first use; lt reports its backend choice itself.
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
  return { name: 'cpu', threads: 1, package: '@tensorflow/tfjs-backend-cpu' };
}

/** The backend as the run's start line shows it: package, threads or GPU adapter. */
export function describeBackend(info: BackendInfo): string {
  if (info.adapter !== undefined) {
    const { vendor, architecture, description, software } = info.adapter;
    return `${info.name} (${info.package}; adapter ${[vendor, architecture, description].filter((part) => part !== '').join(' ')}, ${software ? 'software' : 'hardware'})`;
  }
  return `${info.name} (${info.package}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
}

/** Activates the chosen backend and reports what was activated; a backend that cannot load is a clear error. */
export async function selectBackend(choice: BackendChoice, options: SelectBackendOptions = {}): Promise<BackendInfo> {
  switch (choice) {
    case 'tensorflow': {
      const info = await useTensorflow();
      if (info) return info;
      throw new LtError(
        'BACKEND_UNAVAILABLE',
        "backend 'tensorflow' needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA), and neither " +
          'could be loaded. Install one next to lt: `npm install @tensorflow/tfjs-node@4.22.0` — its install ' +
          "script downloads libtensorflow, so it needs internet access — or use --backend wasm.",
      );
    }
    case 'webgpu':
      return webgpuInfo(await activateWebGPU());
    case 'wasm': {
      const info = await useWasm(options.threads);
      if (info) return info;
      throw new LtError('BACKEND_UNAVAILABLE', "backend 'wasm' could not be initialised (@tensorflow/tfjs-backend-wasm)");
    }
    case 'cpu':
      return useCpu();
    case 'auto': {
      const tensorflow = await useTensorflow();
      if (tensorflow !== undefined) return tensorflow;
      const gpu = await autoWebGPU();
      if (gpu !== undefined) return webgpuInfo(gpu);
      return (await useWasm(options.threads)) ?? (await useCpu());
    }
    default:
      throw new LtError('BACKEND_UNKNOWN', `unknown backend '${String(choice)}': use auto, tensorflow, webgpu, wasm or cpu`);
  }
}
