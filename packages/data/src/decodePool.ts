import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LtError } from '@lt/core';
import type { DecodeSettings, ImageSource } from './decodeImage.js';
import { ERROR_BYTES, STATUS_ERROR, STATUS_PENDING, type DecodeRequest } from './decodeProtocol.js';

/** A batch of images being decoded by the pool. */
export interface PendingDecode {
  readonly request: DecodeRequest;
  /** What each image is, for error messages (file path and list line). */
  readonly describe: (i: number) => string;
}

/** An image that failed to decode. */
export interface DecodeFailure {
  readonly index: number;
  readonly message: string;
}

/** How long the main thread waits for one image before it declares the pool stuck. */
const STALL_SECONDS = 300;

/** Starts one worker; from sources (tests, tsx) the worker is TypeScript and registers tsx's loader first. */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decodeWorker.js', import.meta.url));
  // The ESM entry of tsx's API, found from this package (tsx is a dev dependency of the workspace).
  const tsx = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const entry = new URL('./decodeWorker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true });
}

/** Returns the default worker count: every core, or 1 for a small dataset (thread start-up would dominate). */
export function defaultWorkerCount(images: number): number {
  return images < 512 ? 1 : availableParallelism();
}

/** Worker threads that decode images with sharp into shared memory; the main thread collects batches synchronously. */
export class DecodePool {
  private closed = false;

  private constructor(private readonly workers: Worker[]) {}

  /** Starts `size` workers and waits until each has loaded its decoder. */
  static async start(size: number): Promise<DecodePool> {
    if (!Number.isInteger(size) || size < 1) throw new LtError('DATA_OPTIONS', `workers must be a positive integer, got ${size}`);
    const workers = Array.from({ length: size }, startWorker);
    // A run that forgets `close()` must still exit.
    for (const worker of workers) worker.unref();
    try {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.once('message', () => resolve());
              worker.once('error', reject);
              worker.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
            }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw new LtError('DATA_DECODER', `cannot start the image-decoding threads: ${(error as Error).message}`);
    }
    return new DecodePool(workers);
  }

  /** Number of decoding threads. */
  get size(): number {
    return this.workers.length;
  }

  /** Posts a batch to the workers and returns at once; collect it with `collect`. */
  submit(sources: readonly ImageSource[], settings: DecodeSettings, uniforms: Float64Array, uniformsPerImage: number, describe: (i: number) => string): PendingDecode {
    if (this.closed) throw new LtError('DATA_CLOSED', 'the image dataset is closed (its run has ended); load it again to read images');
    const request: DecodeRequest = {
      sources,
      settings,
      uniforms,
      uniformsPerImage,
      control: new SharedArrayBuffer(4 * (1 + sources.length)),
      output: new SharedArrayBuffer(sources.length * settings.size * settings.size * 3),
      errors: new SharedArrayBuffer(sources.length * ERROR_BYTES),
    };
    for (const worker of this.workers) worker.postMessage(request);
    return { request, describe };
  }

  /** Blocks until every image of the batch is decoded; returns the pixels and the images that failed. */
  collect(pending: PendingDecode): { pixels: Uint8Array; failures: DecodeFailure[] } {
    const { request } = pending;
    const control = new Int32Array(request.control);
    const failures: DecodeFailure[] = [];
    for (let i = 0; i < request.sources.length; i++) {
      let waited = 0;
      while (Atomics.load(control, 1 + i) === STATUS_PENDING) {
        if (Atomics.wait(control, 1 + i, STATUS_PENDING, 1000) === 'timed-out' && ++waited >= STALL_SECONDS) {
          throw new LtError('DATA_DECODE_STALLED', `no image-decoding worker answered for ${STALL_SECONDS} s while decoding ${pending.describe(i)}`);
        }
      }
      if (control[1 + i] === STATUS_ERROR) {
        const bytes = new Uint8Array(request.errors, i * ERROR_BYTES, ERROR_BYTES);
        const end = bytes.indexOf(0);
        failures.push({ index: i, message: new TextDecoder().decode(bytes.slice(0, end < 0 ? ERROR_BYTES : end)) });
      }
    }
    return { pixels: new Uint8Array(request.output), failures };
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
