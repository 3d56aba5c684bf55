// Entry of an image-decoding worker thread (see decodePool.ts for the shared-memory protocol).
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeImage } from './decodeImage.js';
import type { DecodeRequest } from './decodeProtocol.js';
import { ERROR_BYTES, STATUS_ERROR, STATUS_OK } from './decodeProtocol.js';

// One libvips thread per worker: the pool's worker count is the parallelism.
sharp.concurrency(1);
sharp.cache(false);

const queue: DecodeRequest[] = [];
let busy = false;

async function serve(request: DecodeRequest): Promise<void> {
  const control = new Int32Array(request.control);
  const output = new Uint8Array(request.output);
  const errors = new Uint8Array(request.errors);
  const bytes = request.settings.size * request.settings.size * 3;
  for (let i = Atomics.add(control, 0, 1); i < request.sources.length; i = Atomics.add(control, 0, 1)) {
    let status = STATUS_OK;
    try {
      output.set(await decodeImage(request.sources[i], request.settings, request.uniforms, i * request.uniformsPerImage), i * bytes);
    } catch (error) {
      status = STATUS_ERROR;
      const text = new TextEncoder().encode((error as Error).message ?? String(error)).subarray(0, ERROR_BYTES);
      errors.set(text, i * ERROR_BYTES);
    }
    Atomics.store(control, 1 + i, status);
    Atomics.notify(control, 1 + i);
  }
}

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  while (queue.length > 0) await serve(queue.shift()!);
  busy = false;
}

parentPort!.on('message', (request: DecodeRequest) => {
  queue.push(request);
  void drain();
});
// Tells the pool that sharp loaded.
parentPort!.postMessage('ready');
