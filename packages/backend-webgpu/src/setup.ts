import * as tf from '@tensorflow/tfjs-core';
import { registerWebGPUTrainingKernels } from './kernels/register.js';
import { quietDawnAdapter, type AdapterFacts } from './probe.js';

/** The WebGPU adapter a backend runs on, as a run's manifest records it. */
export interface WebGPUAdapter {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** A CPU implementation (SwiftShader, lavapipe…): correct, but far slower than the CPU backends. */
  readonly software: boolean;
  /** Where `navigator.gpu` came from: the browser's own, or Dawn from the npm package `webgpu` in Node. */
  readonly provider: 'browser' | 'dawn';
}

/** Options of `probeWebGPU`. */
export interface ProbeOptions {
  /**
   * Probe Dawn in a child process, so its driver diagnostics (printed straight to stderr) stay out of this one's
   * terminal: for an automatic backend choice that should pass over a missing GPU silently. Node only.
   */
  readonly quiet?: boolean;
}

/** Why WebGPU cannot be used here, in words a user can act on. */
export class WebGPUUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGPUUnavailable';
  }
}

type Navigator = { gpu?: GPU };
const navigatorOf = () => (globalThis as { navigator?: Navigator }).navigator;
const isNode = () => typeof process !== 'undefined' && process.versions?.node !== undefined;

const missingPackage = (cause: unknown) =>
  new WebGPUUnavailable(
    `WebGPU in Node needs the npm package 'webgpu' (Dawn), which could not be loaded (${(cause as Error).message}). ` +
      'Install it next to lt: `npm install webgpu@0.6.2`.',
  );

let dawn: Promise<GPU> | undefined;

// Node has no navigator.gpu; Dawn's Node binding provides one. tfjs-backend-webgpu registers itself only if
// navigator.gpu exists when it is first imported, so this runs before that import.
async function provideGpu(): Promise<'browser' | 'dawn'> {
  if (navigatorOf()?.gpu !== undefined && dawn === undefined) return 'browser';
  dawn ??= (async () => {
    let module: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    try {
      // A variable specifier keeps bundlers from requiring the optional peer at build time.
      const specifier = 'webgpu';
      module = await import(/* @vite-ignore */ specifier);
    } catch (cause) {
      throw missingPackage(cause);
    }
    // SwiftShader's Vulkan loader complains on every start without it; any writable folder will do.
    if (isNode()) process.env.XDG_RUNTIME_DIR ??= (await import('node:os')).tmpdir();
    Object.assign(globalThis, module.globals);
    const gpu = module.create([]);
    const current = navigatorOf();
    if (current === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else Object.defineProperty(current, 'gpu', { value: gpu, configurable: true });
    return gpu;
  })();
  await dawn;
  return 'dawn';
}

const softwareArchitectures = /swiftshader|llvmpipe|lavapipe|warp|software/i;

function noAdapterHint(provider: 'browser' | 'dawn'): string {
  if (provider === 'browser') return 'this browser offers no WebGPU adapter (is WebGPU enabled, and is there a GPU?)';
  return (
    'Dawn found no usable Vulkan adapter. On Linux it needs the Vulkan loader (Debian: `apt-get install libvulkan1`) ' +
    "and a Vulkan driver for the GPU (NVIDIA's driver ships one; VK_DRIVER_FILES may name its ICD json). " +
    "Without a GPU, Debian's chromium package ships SwiftShader, a CPU Vulkan driver: " +
    'VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json (slow; for tests)'
  );
}

function classify(facts: AdapterFacts | null, provider: 'browser' | 'dawn'): WebGPUAdapter {
  if (facts === null) throw new WebGPUUnavailable(`no WebGPU adapter: ${noAdapterHint(provider)}`);
  const { vendor, architecture, description, isFallbackAdapter } = facts;
  return { vendor, architecture, description, software: isFallbackAdapter || softwareArchitectures.test(`${architecture} ${description}`), provider };
}

async function adapterFacts(): Promise<AdapterFacts | null> {
  const adapter = await (navigatorOf()?.gpu as GPU).requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return null;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return { vendor: info.vendor, architecture: info.architecture, description: info.description || info.device || '', isFallbackAdapter: info.isFallbackAdapter === true };
}

/** Finds the adapter tfjs-backend-webgpu would take (high-performance) without creating a device. */
export async function probeWebGPU(options: ProbeOptions = {}): Promise<WebGPUAdapter> {
  if (options.quiet === true && navigatorOf()?.gpu === undefined && isNode()) {
    let facts: AdapterFacts | null;
    try {
      facts = await quietDawnAdapter();
    } catch (cause) {
      throw missingPackage(cause);
    }
    return classify(facts, 'dawn');
  }
  const provider = await provideGpu();
  return classify(await adapterFacts(), provider);
}

/**
 * Activates tfjs's 'webgpu' backend with lt's training kernels registered for it, and returns its adapter. A plain
 * tfjs model trains on it too (lt's kernels are reached only through @lt/core's ops).
 */
export async function setWebGPUBackend(): Promise<WebGPUAdapter> {
  const adapter = await probeWebGPU();
  await import('@tensorflow/tfjs-backend-webgpu');
  registerWebGPUTrainingKernels();
  if (!(await tf.setBackend('webgpu'))) throw new WebGPUUnavailable(`tfjs-backend-webgpu did not start on the ${adapter.vendor} ${adapter.architecture} adapter`);
  return adapter;
}
