// A multithreaded `wasm` backend under Node.
//
// tfjs-backend-wasm 4.22 ships a threaded+SIMD build but never uses it under Node: its
// `WASM_HAS_MULTITHREAD_SUPPORT` flag returns false when IS_NODE, and forcing the flag fails with
// ERR_WORKER_PATH, because its `init()` hands emscripten a `blob:` URL for the pthread worker script, which
// Node's worker_threads rejects. The threaded build itself runs fine in Node when it gets a worker script it
// can load, so lt initialises that build itself, with the package's own files and classes:
//
// - the emscripten factory `wasm-out/tfjs-backend-wasm-threaded-simd.js` and its `.wasm` binary;
// - the pthread worker script: `wasm-out/tfjs-backend-wasm-threaded-simd.worker.js` only exports the script
//   as a string, so it runs from a `data:` module that evaluates that string with a real `require`;
// - the backend class `BackendWasm`, registered as 'wasm' in place of the stock registration, so the
//   package's kernels (registered for 'wasm') run on it unchanged.
//
// The C++ side caps the thread pool at `emscripten_num_logical_cores() / 2` (and at 8), whatever
// `setThreadsCount` asks for; this module answers that import of its own wasm instance with twice the thread
// count asked for. tfjs's own (XNNPACK) kernels thus run at most 8 threads; lt's native kernels, which do nearly all
// of a convolutional network's work, run the full count on their own pool (native/pool.ts). It patches no global: emscripten's factory sets `globalThis.Worker` while it runs (all
// pthread workers are created synchronously inside the factory call) and it is restored right after.
//
// Any failure (unsupported package version, no shared memory, a worker that fails to load, a timeout) leaves
// the stock registration untouched and is reported as a reason; the caller then uses the stock
// single-threaded backend.
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** Environment variable that overrides the thread count of the `wasm` backend: `1` opts out, `auto` or N. */
export const WASM_THREADS_ENV = 'LT_WASM_THREADS';

/** The tfjs-backend-wasm version whose emscripten build this module was written and tested against. */
const SUPPORTED_VERSION = '4.22.0';
/** XNNPACK's cap in tfjs-backend-wasm (and the size of emscripten's pre-created worker pool). */
export const MAX_XNNPACK_THREADS = 8;
/**
 * Most threads lt's native kernels split a call over: their fixed reduction spans (kernels.c BN_SPANS) give every one
 * of 64 threads a share, and per-thread scratch stays a few MB at most.
 */
export const MAX_WASM_THREADS = 64;
const INIT_TIMEOUT_MS = 30_000;
const WASM_PRIORITY = 2;

/** How many threads the wasm backend should run: a positive integer or `auto` (every core, at most 64). */
export type WasmThreads = number | 'auto';

/** The thread count `resolveWasmThreads` settled on. */
export interface ThreadsRequest {
  readonly threads: number;
  /** Why `threads` differs from what was asked (a cap), if it does. */
  readonly note?: string;
}

function parseThreads(value: WasmThreads, source: string): WasmThreads {
  if (value === 'auto') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new RangeError(`${source} must be 'auto' or a positive integer, got '${String(value)}'`);
}

/**
 * The thread count to ask for: `LT_WASM_THREADS` (when set) wins over the option, `auto` means every available
 * core, and counts above 8 are capped.
 */
export function resolveWasmThreads(
  option: WasmThreads | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): ThreadsRequest {
  const raw = env[WASM_THREADS_ENV]?.trim();
  const fromEnv = raw === undefined || raw === '' ? undefined : raw === 'auto' ? 'auto' : /^\d+$/.test(raw) ? Number(raw) : NaN;
  const wanted =
    fromEnv !== undefined
      ? parseThreads(fromEnv as WasmThreads, `${WASM_THREADS_ENV}='${raw}'`)
      : parseThreads(option ?? 'auto', 'threads');
  const count = wanted === 'auto' ? Math.max(1, cores) : wanted;
  if (count > MAX_WASM_THREADS) {
    return { threads: MAX_WASM_THREADS, note: `${count} threads asked for; lt's wasm kernels run at most ${MAX_WASM_THREADS}` };
  }
  return { threads: count };
}

// ---- the parts of tfjs-backend-wasm and emscripten this module touches ----

interface NodeWorker {
  on(event: 'error', listener: (error: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
  onerror?: (error: unknown) => void;
}

interface PThreadApi {
  unusedWorkers: NodeWorker[];
  runningWorkers: NodeWorker[];
  loadWasmModuleToWorker(worker: NodeWorker, onFinishedLoading: (worker: NodeWorker) => void): void;
}

type Cwrap = (name: string, returnType: string | null, argTypes: string[]) => (...args: number[]) => number;

interface EmscriptenModule {
  cwrap: Cwrap;
  PThread: PThreadApi;
  tfjs?: Record<string, (...args: number[]) => number>;
}

interface EmscriptenConfig {
  locateFile(path: string, prefix: string): string | URL;
  mainScriptUrlOrBlob: string;
  instantiateWasm(
    imports: Record<string, Record<string, unknown>>,
    receiveInstance: (instance: WasmInstance, module: WasmModule) => void,
  ): object;
  onAbort(what: unknown): void;
  PThread?: PThreadApi;
}

type EmscriptenFactory = (config: EmscriptenConfig) => Promise<EmscriptenModule>;

interface WasmPackage {
  BackendWasm: new (module: EmscriptenModule) => tf.KernelBackend;
  version_wasm: string;
}

interface ActiveWasm extends tf.KernelBackend {
  wasm?: { tfjs?: { getThreadsCount?: () => number } } | null;
}

// The WebAssembly API as far as used here (the Node 20 typings do not declare the global).
type WasmModule = object;
type WasmInstance = object;
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike };
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

// emscripten adds rethrowing `uncaughtException` / `unhandledRejection` listeners.
type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
type Listener = (...args: never[]) => void;
const processEvents: readonly ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];
const listenersOf = (event: ProcessEvent): Listener[] => process.listeners(event as 'uncaughtException') as Listener[];
const addListener = (event: ProcessEvent, listener: Listener) => process.on(event as 'uncaughtException', listener as () => void);
const removeListener = (event: ProcessEvent, listener: Listener) =>
  process.removeListener(event as 'uncaughtException', listener as () => void);

const require = createRequire(import.meta.url);

// ---- state: the stock registration, kept so that it can be restored ----

interface Installed {
  readonly threads: number;
  readonly stockFactory: () => tf.KernelBackend | Promise<tf.KernelBackend>;
  /** The process listeners the threaded module added (per event). */
  readonly addedListeners: Listener[][];
}
let installed: (Installed & { readonly backend: tf.KernelBackend }) | undefined;
let pending: Promise<string | undefined> | undefined;

/** The thread count of the active `wasm` backend: what lt's kernels split a call over. */
export function activeWasmThreads(): number {
  const backend = tf.engine().registry.wasm;
  return backend === undefined ? 1 : kernelThreadsFor(backend);
}

/**
 * Threads lt's native kernels may use on `backend`: the count it was started with (tfjs's own kernels run at most
 * 8 of them), or its XNNPACK pool's size for a backend this module did not start.
 */
export function kernelThreadsFor(backend: tf.KernelBackend): number {
  if (installed !== undefined && installed.backend === backend) return installed.threads;
  const count = (backend as ActiveWasm).wasm?.tfjs?.getThreadsCount?.();
  return typeof count === 'number' && count > 0 ? count : 1;
}

/** Test hooks of `installThreadedWasm`. */
export interface ThreadedWasmTestOptions {
  /** Replaces the pthread worker script (tests use it to make the threaded start fail). */
  readonly workerScript?: string;
  readonly timeoutMs?: number;
}

/**
 * Registers a `threads`-thread wasm backend as 'wasm' in place of the stock one (which is not initialised).
 * Resolves to undefined on success (or when one thread is asked for and the stock backend will do), or to
 * the reason the backend will run another thread count. Never rejects.
 */
export function installThreadedWasm(threads: number, testing: ThreadedWasmTestOptions = {}): Promise<string | undefined> {
  if (installed !== undefined) {
    return Promise.resolve(
      installed.threads === threads ? undefined : `the wasm backend already runs ${installed.threads} threads in this process`,
    );
  }
  if (threads <= 1) return Promise.resolve(undefined);
  if (tf.engine().registry.wasm !== undefined) {
    return Promise.resolve('the stock wasm backend was already initialised in this process; its thread count is fixed');
  }
  pending ??= install(threads, testing)
    .then(() => undefined)
    .catch((error: unknown) => (error instanceof Error ? error.message : String(error)))
    .finally(() => {
      pending = undefined;
    });
  return pending;
}

/**
 * Puts the stock tfjs-backend-wasm registration back (single-threaded under Node), disposing the threaded
 * backend and every tensor on it. For tests and for callers that must compare both.
 */
export function restoreStockWasmBackend(): void {
  if (installed === undefined) return;
  const { stockFactory, addedListeners } = installed;
  installed = undefined;
  // BackendWasm.dispose() runs the package's `_dispose`, which removes every uncaughtException and
  // unhandledRejection listener present when the module started (a tfjs bug: its filter keeps them all).
  // Put back the ones that were not the module's own.
  const before = processEvents.map(listenersOf);
  tf.removeBackend('wasm');
  processEvents.forEach((event, i) => {
    const now = listenersOf(event);
    for (const listener of before[i]) {
      if (!now.includes(listener) && !addedListeners[i].includes(listener)) addListener(event, listener);
    }
  });
  tf.registerBackend('wasm', stockFactory, WASM_PRIORITY);
}

async function install(threads: number, testing: ThreadedWasmTestOptions): Promise<void> {
  const pkg = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  const { backend, addedListeners, discard } = await createThreadedBackend(pkg, Math.min(threads, MAX_XNNPACK_THREADS), testing);
  if (tf.engine().registry.wasm !== undefined) {
    discard();
    throw new Error('the stock wasm backend was initialised while the threaded one started');
  }
  const stockFactory = tf.findBackendFactory('wasm');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => backend, WASM_PRIORITY);
  installed = { threads, stockFactory, addedListeners, backend };
}

async function createThreadedBackend(
  pkg: WasmPackage,
  threads: number,
  testing: ThreadedWasmTestOptions,
): Promise<{ backend: tf.KernelBackend; addedListeners: Listener[][]; discard: () => void }> {
  if (pkg.version_wasm !== SUPPORTED_VERSION) {
    throw new Error(`threads are only wired for @tensorflow/tfjs-backend-wasm ${SUPPORTED_VERSION}, found ${pkg.version_wasm}`);
  }
  try {
    const memory = new wasmApi.Memory({ initial: 1, maximum: 1, shared: true });
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('not shared');
  } catch {
    throw new Error('this Node.js has no shared WebAssembly memory, which wasm threads need');
  }
  const packageDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const version = (require(join(packageDir, 'package.json')) as { version: string }).version;
  if (version !== pkg.version_wasm) {
    throw new Error(`two copies of @tensorflow/tfjs-backend-wasm are installed (${pkg.version_wasm} and ${version})`);
  }
  const mainScript = join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const factory = require(mainScript) as EmscriptenFactory;
  const wasmModule = await wasmApi.compile(await readFile(join(packageDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.wasm')));
  const workerUrl = new URL(`data:text/javascript,${encodeURIComponent(testing.workerScript ?? workerScript(mainScript))}`);

  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  let starting = true;
  const config: EmscriptenConfig = {
    locateFile: (path, prefix) => (path.endsWith('.worker.js') ? workerUrl : prefix + path),
    mainScriptUrlOrBlob: mainScript,
    instantiateWasm(imports, receiveInstance) {
      // Answer the core-count import so that the C++ cap (cores / 2) lets `threads` threads through.
      const env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
      wasmApi.instantiate(wasmModule, { ...imports, env, wasi_snapshot_preview1: env }).then(
        (instance) => receiveInstance(instance, wasmModule),
        (error: unknown) => fail(new Error(`the threaded wasm module did not instantiate: ${describe(error)}`)),
      );
      return {};
    },
    onAbort: (what) => fail(new Error(`the threaded wasm module aborted: ${describe(what)}`)),
  };

  const hadWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  const listenersBefore = processEvents.map(listenersOf);
  let ready: Promise<EmscriptenModule>;
  try {
    ready = factory(config);
  } finally {
    // emscripten sets `globalThis.Worker = worker_threads.Worker` for Node and creates its whole worker pool
    // before the factory returns; nothing else runs in between, so nothing else sees the global.
    if (hadWorker) Object.defineProperty(globalThis, 'Worker', hadWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
  const addedListeners = processEvents.map((event, i) => listenersOf(event).filter((l) => !listenersBefore[i].includes(l)));
  const pthread = config.PThread;
  const workers = (): NodeWorker[] => (pthread ? [...pthread.unusedWorkers, ...pthread.runningWorkers] : []);
  // Drops the module without BackendWasm.dispose(), whose `_dispose` would also remove listeners that are not
  // the module's (see restoreStockWasmBackend).
  const cleanUp = () => {
    for (const worker of workers()) void worker.terminate();
    // The listeners emscripten added (they rethrow); the stock backend keeps them, a failed start should not.
    processEvents.forEach((event, i) => {
      for (const listener of addedListeners[i]) removeListener(event, listener);
    });
  };
  if (pthread === undefined) {
    cleanUp();
    throw new Error('the threaded wasm module exposes no PThread pool');
  }
  // emscripten pre-creates 8 workers; XNNPACK's pool takes `threads - 1` of them (the calling thread is the
  // other one), and each worker that loads the module costs ~15 MB of RSS, so the others go now. Should the
  // pool ever want more, emscripten's `new Worker` finds no `Worker` global (restored above) and throws, which
  // fails this start cleanly; a worker created then could never load anyway, as pthreadpool_create blocks the
  // main thread that would have to answer it.
  for (const worker of pthread.unusedWorkers.splice(Math.min(threads - 1, pthread.unusedWorkers.length))) {
    worker.on('error', () => {});
    void worker.terminate();
  }
  // A worker that fails to load must reject this start, not crash the process: emscripten's own handler
  // rethrows. Listen on every pool worker now, and keep emscripten's handler out while starting.
  for (const worker of pthread.unusedWorkers) {
    worker.on('error', (error) => {
      if (starting) fail(new Error(`a wasm pthread worker failed to start: ${describe(error)}`));
    });
    worker.on('exit', (code) => {
      if (starting) fail(new Error(`a wasm pthread worker exited while starting (exit code ${code})`));
    });
  }
  const loadWasmModuleToWorker = pthread.loadWasmModuleToWorker.bind(pthread);
  pthread.loadWasmModuleToWorker = (worker, onFinishedLoading) => {
    loadWasmModuleToWorker(worker, onFinishedLoading);
    const emscriptenOnError = worker.onerror;
    worker.onerror = (error) => {
      if (!starting) emscriptenOnError?.(error);
    };
  };

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const ms = testing.timeoutMs ?? INIT_TIMEOUT_MS;
    timer = setTimeout(() => reject(new Error(`the threaded wasm module did not start within ${ms / 1000} s`)), ms);
  });
  let backend: tf.KernelBackend;
  try {
    const module = await Promise.race([ready, failed, timeout]);
    const cwrap = module.cwrap;
    const initWithThreadsCount = cwrap('init_with_threads_count', null, ['number']);
    module.tfjs = {
      init: cwrap('init', null, []),
      // BackendWasm passes the package-level `setThreadsCount` value; this backend runs `threads`.
      initWithThreadsCount: () => initWithThreadsCount(threads),
      getThreadsCount: cwrap('get_threads_count', 'number', []),
      registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: cwrap('dispose_data', null, ['number']),
      dispose: cwrap('dispose', null, []),
    };
    try {
      backend = new pkg.BackendWasm(module);
    } catch (error) {
      throw new Error(`the threaded wasm backend did not start its thread pool: ${describe(error)}`);
    }
    const actual = module.tfjs.getThreadsCount();
    if (actual !== threads) {
      throw new Error(`the threaded wasm module started ${actual} threads instead of ${threads}`);
    }
  } catch (error) {
    starting = false;
    cleanUp();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  starting = false;
  // XNNPACK's threads never end, and emscripten keeps a running pthread's worker referenced, which would keep
  // the process alive after its work is done. Idle pool workers are not needed: the pool is created once.
  for (const worker of pthread.runningWorkers) worker.unref();
  for (const worker of pthread.unusedWorkers.splice(0)) void worker.terminate();
  return { backend, addedListeners, discard: cleanUp };
}

/**
 * The pthread worker as an ES module: the package's worker script (a CommonJS string) evaluated with a
 * `require` and `__filename`. The `\n` escapes are restored the way tfjs's own `init()` does for its blob.
 */
function workerScript(mainScript: string): string {
  const { wasmWorkerContents } = require(mainScript.replace(/\.js$/, '.worker.js')) as { wasmWorkerContents: string };
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  return [
    "import { createRequire } from 'node:module';",
    `const require = createRequire(${JSON.stringify(mainScript)});`,
    `new Function('require', '__filename', ${JSON.stringify(source)})(require, ${JSON.stringify(mainScript)});`,
  ].join('\n');
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
