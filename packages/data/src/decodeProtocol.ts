import type { DecodeSettings, ImageSource } from './decodeImage.js';

/** Bytes of an image's error message in shared memory. */
export const ERROR_BYTES = 512;
export const STATUS_PENDING = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

/**
 * One batch of images, posted to every worker. Workers claim images through `control[0]` (an atomic counter),
 * write pixels to `output` and set `control[1 + i]` to a status, so the main thread can wait on them with
 * `Atomics.wait` without running its event loop.
 */
export interface DecodeRequest {
  readonly sources: readonly ImageSource[];
  readonly settings: DecodeSettings;
  readonly uniforms: Float64Array;
  readonly uniformsPerImage: number;
  readonly control: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
  readonly errors: SharedArrayBuffer;
}
