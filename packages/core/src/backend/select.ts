import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '../errors.js';
import { resolveWasmThreads, setWasmBackend, type SetWasmBackendOptions, type WasmThreads } from '@lt/backend-wasm';
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

/** Options of selectBackend: `threads` for the `wasm` backend, as `setWasmBackend` of @lt/backend-wasm takes them. */
export type SelectBackendOptions = SetWasmBackendOptions;

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

async function useWasm(threads: WasmThreads | undefined): Promise<BackendInfo | undefined> {
  // Checked before starting anything, so that a bad option or LT_WASM_THREADS is an LtError (which the CLI
  // reports as a usage error), not a backend that failed to start.
  try {
    resolveWasmThreads(threads);
  } catch (error) {
    throw new LtError('BACKEND_THREADS_INVALID', (error as Error).message);
  }
  // A backend that cannot start is not an error here: `auto` falls back to cpu, `wasm` reports it.
  const info = await setWasmBackend({ threads }).catch(() => undefined);
  return info && { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', ...info };
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
