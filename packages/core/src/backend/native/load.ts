// Instantiates lt's own SIMD kernels (kernels.c) inside a tfjs-backend-wasm backend's memory, so they read and
// write tensors where they lie. One instance per backend object; any failure (a tfjs build that hides its memory,
// no SIMD, LT_WASM_KERNELS=0) yields undefined and the callers keep their plain-tfjs path.
import type { DataId, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM, SHARED_WASM } from './kernels.wasm.js';
import { NativePool } from './pool.js';

/** Environment variable that turns lt's own wasm kernels off (`0`), e.g. to compare against plain tfjs. */
export const WASM_KERNELS_ENV = 'LT_WASM_KERNELS';

/** The functions kernels.c exports; pointers are byte offsets into the backend's memory. */
export interface NativeKernels {
  sgd_momentum(p: number, g: number, buf: number, pOut: number, bufOut: number, n: number, lr: number, momentum: number, wd: number, first: number): void;
  batch_norm_train(x: number, gamma: number, beta: number, runMean: number, runVar: number, m: number, c: number, eps: number, momentum: number, y: number, mean: number, rstd: number, newMean: number, newVar: number, scratch: number): void;
  conv2d_input_grad(dy: number, wt: number, dx: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number, nBegin: number, nEnd: number): void;
  conv2d_filter_grad(x: number, dy: number, dw: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number, coBegin: number, coEnd: number): void;
  batch_norm_eval(x: number, gamma: number, beta: number, runMean: number, runVar: number, m: number, c: number, eps: number, y: number, scratch: number): void;
  batch_norm_grad(dy: number, x: number, mean: number, rstd: number, gamma: number, m: number, c: number, dx: number, dGamma: number, dBeta: number, scratch: number): void;
}

/** lt's kernels on one backend: the module's functions, and a pool that splits a call over the backend's threads. */
export interface NativeRuntime {
  readonly kernels: NativeKernels;
  readonly pool: NativePool;
}

/** The parts of tfjs-backend-wasm's BackendWasm (4.22) the native kernels use. */
export interface WasmBackendLike extends KernelBackend {
  wasm: { wasmMemory?: unknown; asm?: Record<string, unknown>; tfjs?: { getThreadsCount?(): number } } | null;
  getMemoryOffset(dataId: DataId): number;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

// The WebAssembly API as far as used here (the Node 20 typings do not declare the global).
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const instances = new WeakMap<object, NativeRuntime | null>();

function backendMemory(backend: WasmBackendLike): WasmMemory | undefined {
  const module = backend.wasm;
  if (module === null || module === undefined) return undefined;
  // The threaded build creates its memory in JS (Module.wasmMemory); the plain build exports it (Module.asm.memory).
  const candidates = [module.wasmMemory, ...Object.values(module.asm ?? {})];
  return candidates.find((m): m is WasmMemory => m instanceof wasmApi.Memory);
}

function instantiate(backend: WasmBackendLike): NativeRuntime | null {
  if (typeof backend.getMemoryOffset !== 'function' || typeof backend.makeOutput !== 'function') return null;
  const memory = backendMemory(backend);
  if (memory === undefined) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const bytes = Buffer.from(shared ? SHARED_WASM : PLAIN_WASM, 'base64');
    const exports = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    // Helpers only on a shared memory, as many as the backend's own threads (the threaded tfjs build).
    const threads = shared ? (backend.wasm?.tfjs?.getThreadsCount?.() ?? 1) : 1;
    return { kernels: exports as unknown as NativeKernels, pool: new NativePool(exports, bytes, memory, threads) };
  } catch {
    // No SIMD in this runtime, or a memory whose limits the module cannot import: plain tfjs kernels instead.
    return null;
  }
}

/** lt's kernels bound to `backend`'s memory, or undefined when they cannot run there. */
export function nativeKernelsFor(backend: KernelBackend): NativeRuntime | undefined {
  if (process.env[WASM_KERNELS_ENV] === '0') return undefined;
  let kernels = instances.get(backend);
  if (kernels === undefined) {
    kernels = instantiate(backend as WasmBackendLike);
    instances.set(backend, kernels);
  }
  return kernels ?? undefined;
}
