// Instantiates lt's own SIMD kernels (kernels.c) inside a tfjs-backend-wasm backend's memory, so they read and
// write tensors where they lie. One instance per backend object; any failure (a tfjs build that hides its memory,
// no SIMD, LT_WASM_KERNELS=0) yields undefined and the callers keep their plain-tfjs path.
import { setFlagsFromString } from 'node:v8';
import type { DataId, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_FMA_WASM, PLAIN_WASM, SHARED_FMA_WASM, SHARED_WASM } from './kernels.wasm.js';
import { NativePool } from './pool.js';
import { kernelThreadsFor } from '../threads.js';

/** Environment variable that turns lt's own wasm kernels off (`0`), e.g. to compare against plain tfjs. */
export const WASM_KERNELS_ENV = 'LT_WASM_KERNELS';

/** Environment variable that keeps lt's convolutions on the SIMD128-only build (`0`) instead of the FMA one. */
export const WASM_FMA_ENV = 'LT_WASM_FMA';

/** Environment variable that keeps the Winograd forward and input gradient on F(2×2, 3×3) (`2`) instead of F(4×4, 3×3). */
export const WASM_WINOGRAD_ENV = 'LT_WASM_WINOGRAD';

/** Which build of kernels.c runs: SIMD128 only, or with relaxed SIMD's fused multiply-add in the convolutions. */
export type NativeBuild = 'simd' | 'fma';

// When the FMA build is used. The convolutions (about 2/3 of a training step) are multiply-add loops, and
// f32x4.relaxed_madd fuses each pair where the CPU has FMA: fewer instructions everywhere, twice the peak on CPUs whose
// multiplies and adds share two ports. On a Zen 5 core (separate add pipes) it measured dW +11–14 %, dx and forward
// ±5 %, the ResNet-32 step +3–4 % (bench/FMA.md). Chromium and Node ≥ 22 accept relaxed SIMD as they are; Node 20's
// V8 only behind --experimental-wasm-relaxed-simd. So:
//  1. LT_WASM_FMA=0: the SIMD build, and no V8 flag is touched.
//  2. RELAXED_SIMD_PROBE (one function: local.get ×3, f32x4.relaxed_madd) validates: the FMA build.
//  3. Else, in Node, set that V8 flag once and validate the probe again; the FMA build only if it now validates.
//  4. Else (older engines, flag refused or ignored): the SIMD build, as before.
// Setting the flag at run time is safe for this one: Node keeps V8's flags writable after start-up, the flag is read
// whenever a module is validated or compiled (also in worker threads, also ones started earlier, as pool.ts's are),
// and it only adds instructions, so a module valid before (tfjs's own, already compiled) means what it meant.
// relaxed_madd may round once (fused) or twice (no FMA on the CPU), chosen per machine when V8 compiles the module:
// results can differ across machines in the last bits, never between runs or thread counts on one machine.
const RELAXED_SIMD_PROBE = Uint8Array.of(
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b], // type: (v128, v128, v128) → v128
  ...[0x03, 0x02, 0x01, 0x00], // one function of that type
  ...[0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b], // its code
);
let relaxedSimd: boolean | undefined;

/** Whether `probe` (default: a relaxed_madd module) validates here, after enabling relaxed SIMD in V8 if it did not. */
export function relaxedSimdValidates(probe: Uint8Array = RELAXED_SIMD_PROBE): boolean {
  const cached = probe === RELAXED_SIMD_PROBE;
  if (cached && relaxedSimd !== undefined) return relaxedSimd;
  let valid = wasmApi.validate(probe);
  if (!valid) {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
      valid = wasmApi.validate(probe);
    } catch {
      // A runtime without V8 flags: the SIMD build.
    }
  }
  if (cached) relaxedSimd = valid;
  return valid;
}

/** The build the policy above picks now: `fma` unless LT_WASM_FMA=0 or relaxed SIMD does not validate. */
export function nativeBuild(probe?: Uint8Array): NativeBuild {
  if (process.env[WASM_FMA_ENV] === '0') return 'simd';
  return relaxedSimdValidates(probe) ? 'fma' : 'simd';
}

/** The functions kernels.c exports; pointers are byte offsets into the backend's memory. */
export interface NativeKernels {
  sgd_momentum(p: number, g: number, buf: number, pOut: number, bufOut: number, n: number, lr: number, momentum: number, wd: number, first: number): void;
  batch_norm_partials(a: number, b: number, shift: number, scale: number, mask: number, m: number, c: number, spanBegin: number, spanEnd: number, partials: number): void;
  batch_norm_apply(a: number, mask: number, mul: number, add: number, b: number, mul2: number, relu: number, c: number, rowBegin: number, rowEnd: number, out: number): void;
  batch_norm_train_stats(partials: number, gamma: number, beta: number, runMean: number, runVar: number, m: number, c: number, eps: number, momentum: number, mean: number, rstd: number, newMean: number, newVar: number, coef: number): void;
  conv2d_input_grad(dy: number, wt: number, dx: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number, nBegin: number, nEnd: number): void;
  conv2d_filter_grad(x: number, dy: number, dw: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number, coBegin: number, coEnd: number): void;
  conv2d_forward(x: number, w: number, y: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, stride: number, padTop: number, padLeft: number, rowBegin: number, rowEnd: number, bias: number, relu: number): void;
  winograd_filter(w: number, u: number, ci: number, co: number, iBegin: number, iEnd: number, flip: number): void;
  conv2d_winograd(x: number, u: number, y: number, n: number, h: number, w: number, ci: number, co: number, tileBegin: number, tileEnd: number, block: number, scratch: number, bias: number, relu: number): void;
  winograd_filter_grad(x: number, dy: number, partials: number, n: number, h: number, w: number, ci: number, co: number, sBegin: number, sEnd: number, spanTiles: number, oBegin: number, oEnd: number, block: number, scratch: number, dw: number): void;
  winograd_filter_grad_sum(partials: number, dw: number, ci: number, co: number, spans: number, iBegin: number, iEnd: number): void;
  batch_norm_eval(x: number, gamma: number, beta: number, runMean: number, runVar: number, m: number, c: number, eps: number, y: number, scratch: number): void;
  batch_norm_grad_coefficients(partials: number, mean: number, rstd: number, gamma: number, m: number, c: number, dGamma: number, dBeta: number, coef: number): void;
}

/** lt's kernels on one backend: the module's functions, and a pool that splits a call over the backend's threads. */
export interface NativeRuntime {
  readonly kernels: NativeKernels;
  readonly pool: NativePool;
  readonly build: NativeBuild;
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
  validate(bytes: Uint8Array): boolean;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

// Per backend and build: LT_WASM_FMA is read at each call, so a benchmark can switch builds between calls.
const instances = new WeakMap<object, Partial<Record<NativeBuild, NativeRuntime | null>>>();

function backendMemory(backend: WasmBackendLike): WasmMemory | undefined {
  const module = backend.wasm;
  if (module === null || module === undefined) return undefined;
  // The threaded build creates its memory in JS (Module.wasmMemory); the plain build exports it (Module.asm.memory).
  const candidates = [module.wasmMemory, ...Object.values(module.asm ?? {})];
  return candidates.find((m): m is WasmMemory => m instanceof wasmApi.Memory);
}

function instantiate(backend: WasmBackendLike, build: NativeBuild): NativeRuntime | null {
  if (typeof backend.getMemoryOffset !== 'function' || typeof backend.makeOutput !== 'function') return null;
  const memory = backendMemory(backend);
  if (memory === undefined) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const base64 = build === 'fma' ? (shared ? SHARED_FMA_WASM : PLAIN_FMA_WASM) : shared ? SHARED_WASM : PLAIN_WASM;
    const bytes = Buffer.from(base64, 'base64');
    const exports = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    // Helpers only on a shared memory (the threaded tfjs build), as many as the backend was started with.
    const threads = shared ? kernelThreadsFor(backend) : 1;
    return { kernels: exports as unknown as NativeKernels, pool: new NativePool(exports, bytes, memory, threads), build };
  } catch {
    // No SIMD in this runtime, or a memory whose limits the module cannot import: plain tfjs kernels instead.
    return null;
  }
}

/** lt's kernels bound to `backend`'s memory, or undefined when they cannot run there. */
export function nativeKernelsFor(backend: KernelBackend): NativeRuntime | undefined {
  if (process.env[WASM_KERNELS_ENV] === '0') return undefined;
  let builds = instances.get(backend);
  if (builds === undefined) instances.set(backend, (builds = {}));
  const load = (build: NativeBuild) => {
    let kernels = builds[build];
    if (kernels === undefined) builds[build] = kernels = instantiate(backend as WasmBackendLike, build);
    return kernels ?? undefined;
  };
  // An FMA build that validated but would not instantiate still leaves the SIMD build, not plain tfjs.
  return (nativeBuild() === 'fma' ? load('fma') : undefined) ?? load('simd');
}
