import { LtError } from '../errors.js';

/** The WebGPU adapter a run trained on (vendor, architecture), as the manifest records it. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** A CPU implementation of WebGPU (SwiftShader, lavapipe): correct but slow. */
  readonly software: boolean;
  /** `browser`: the page's navigator.gpu; `dawn`: Dawn in Node, from the npm package `webgpu`. */
  readonly provider: 'browser' | 'dawn';
}

/** What activating webgpu gives the run: the adapter, and a warning to show when it is a software one. */
export interface WebGPUActivation {
  readonly adapter: AdapterInfo;
  readonly warning?: string;
}

const softwareWarning = (adapter: AdapterInfo) =>
  `WebGPU runs on a software adapter (${adapter.vendor} ${adapter.architecture}: ${adapter.description}), a CPU ` +
  'implementation for testing: training will be far slower than --backend wasm';

/** backend 'webgpu' asked for by name: any adapter, a software one with a warning; no adapter is a clear error. */
export async function activateWebGPU(): Promise<WebGPUActivation> {
  const gpu = await import('@lt/backend-webgpu');
  try {
    const adapter = await gpu.setWebGPUBackend();
    return adapter.software ? { adapter, warning: softwareWarning(adapter) } : { adapter };
  } catch (error) {
    if (error instanceof gpu.WebGPUUnavailable) throw new LtError('BACKEND_UNAVAILABLE', `backend 'webgpu': ${error.message}`);
    throw error;
  }
}

/** backend 'auto''s webgpu step: a hardware adapter only, found without printing anything; undefined otherwise. */
export async function autoWebGPU(): Promise<WebGPUActivation | undefined> {
  const gpu = await import('@lt/backend-webgpu');
  const adapter = await gpu.probeWebGPU({ quiet: true }).catch(() => undefined);
  if (adapter === undefined || adapter.software) return undefined;
  return { adapter: await gpu.setWebGPUBackend() };
}
