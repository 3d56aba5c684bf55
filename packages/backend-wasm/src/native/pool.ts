// Runs lt's native kernels on more than one core: worker threads that instantiate the same module on the same
// shared memory (the threaded tfjs-backend-wasm's), each handed one part of a kernel call through a small shared
// control block. The main thread computes its own part and then waits (Atomics.wait) for the others, so a kernel
// call stays synchronous, as tfjs kernels must be. A worker that has not finished starting is simply not used.
import { Worker } from 'node:worker_threads';

// Control block slots (Int32): the worker's readiness, the job counter, the last finished job, the function,
// the argument count, and a failure flag.
const READY = 0;
const JOB = 1;
const DONE = 2;
const FUNCTION = 3;
const ARG_COUNT = 4;
const FAILED = 5;
const MAX_ARGS = 24;
const WAIT_MS = 120_000;
// How long a helper polls for its next job, and the main thread for a helper's end, before sleeping in Atomics.wait:
// waking a sleeping thread took 60–70 µs on a 2-core EPYC VM (an empty 2-part call), ~5 % of a small Winograd call,
// and ResNet-32's 2-thread step makes a few hundred calls. 1 ms measured +5 % img/s over not polling (5 alternated
// pairs), ahead of 0.2 ms; the poll only runs right after a call, so an idle pool still sleeps.
const SPIN_MS = 1;

/**
 * Blocks until slot `job` of `ctrl` differs from `seen`, polling for `spinMs` first, and returns the new value. It
 * re-checks after every wake-up because a wake-up can come without a new job: the main thread bumps the counter and
 * then notifies, and when it is descheduled in between, a helper polling meanwhile runs the job, finishes, and is
 * already waiting for the next one when the late notify arrives. Taking that wake-up as a job ran the last job again
 * while the main thread had moved on, writing into memory that had been freed and reused (seen under load as wrong
 * BatchNorm statistics and corrupted tensors of unrelated kernels, about once in 10⁵ calls).
 */
export function awaitJob(ctrl: Int32Array, job: number, seen: number, spinMs: number): number {
  const until = performance.now() + spinMs;
  while (Atomics.load(ctrl, job) === seen && performance.now() < until);
  while (Atomics.load(ctrl, job) === seen) Atomics.wait(ctrl, job, seen);
  return Atomics.load(ctrl, job);
}

// Plain JS for an `eval` worker: it cannot import the package's modules, and needs nothing but the module bytes (and
// awaitJob's source).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { bytes, memory, control, args, names } = workerData;
const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const argv = new Float64Array(args);
const awaitJob = ${awaitJob.toString()};
Atomics.store(ctrl, ${READY}, 1);
let seen = 0;
for (;;) {
  // Poll a while before sleeping (SPIN_MS): the next call often comes within microseconds.
  seen = awaitJob(ctrl, ${JOB}, seen, ${SPIN_MS});
  try {
    exports[names[ctrl[${FUNCTION}]]](...argv.subarray(0, ctrl[${ARG_COUNT}]));
  } catch {
    Atomics.store(ctrl, ${FAILED}, 1);
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

class Helper {
  private readonly control = new Int32Array(new SharedArrayBuffer(8 * 4));
  private readonly args = new Float64Array(new SharedArrayBuffer(MAX_ARGS * 8));
  private job = 0;

  constructor(bytes: Uint8Array, memory: object, private readonly names: readonly string[]) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bytes, memory, control: this.control.buffer, args: this.args.buffer, names },
    });
    // A helper never keeps the process alive, and a helper that fails to start is just never used.
    worker.unref();
    worker.on('error', () => Atomics.store(this.control, FAILED, 1));
  }

  get usable(): boolean {
    return Atomics.load(this.control, READY) === 1 && Atomics.load(this.control, FAILED) === 0;
  }

  start(name: string, argv: readonly number[]): void {
    this.args.set(argv);
    this.control[FUNCTION] = this.names.indexOf(name);
    this.control[ARG_COUNT] = argv.length;
    this.job = Atomics.add(this.control, JOB, 1) + 1;
    Atomics.notify(this.control, JOB);
  }

  finish(): void {
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(this.control, DONE) !== this.job && performance.now() < until);
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done === this.job) break;
      if (Atomics.wait(this.control, DONE, done, WAIT_MS) === 'timed-out') {
        throw new Error(`lt: a native-kernel worker did not finish within ${WAIT_MS / 1000} s`);
      }
    }
    if (Atomics.load(this.control, FAILED) === 1) throw new Error('lt: a native kernel failed on a worker thread');
  }
}

/** Splits native kernel calls over the main thread and `threads − 1` workers on a shared memory. */
export class NativePool {
  private readonly helpers: Helper[];

  constructor(
    private readonly exports: Record<string, (...args: number[]) => void>,
    bytes: Uint8Array,
    memory: object,
    threads: number,
  ) {
    const names = Object.keys(exports);
    this.helpers = Array.from({ length: Math.max(0, threads - 1) }, () => new Helper(bytes, memory, names));
  }

  /** Threads a call can be split over right now (helpers still starting do not count). */
  get threads(): number {
    return 1 + this.helpers.filter((h) => h.usable).length;
  }

  /** Runs `name` once per argument list: the first on this thread, the rest on helpers, and returns when all are done. */
  run(name: string, parts: ReadonlyArray<readonly number[]>): void {
    const helpers = this.helpers.filter((h) => h.usable).slice(0, parts.length - 1);
    helpers.forEach((helper, i) => helper.start(name, parts[i + 1]));
    this.exports[name](...parts[0]);
    for (let i = helpers.length + 1; i < parts.length; i++) this.exports[name](...parts[i]);
    for (const helper of helpers) helper.finish();
  }
}
