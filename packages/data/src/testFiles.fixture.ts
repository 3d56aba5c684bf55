import { expect } from 'vitest';
import { LtError } from '@lt/core';

/** Builds an IDX file of unsigned bytes: magic 0x000008NN, big-endian dims, payload. */
export function idxBytes(dims: number[], payload: ArrayLike<number>): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint8(2, 0x08);
  header.setUint8(3, dims.length);
  dims.forEach((size, d) => header.setUint32(4 + 4 * d, size, false));
  const bytes = new Uint8Array(header.byteLength + payload.length);
  bytes.set(new Uint8Array(header.buffer), 0);
  bytes.set(Uint8Array.from(payload), header.byteLength);
  return bytes;
}

/** Expects `run` to throw an LtError with `code` whose message names `path` and matches `detail`. */
export function expectFileError(run: () => unknown, code: string, path: string, detail: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LtError);
    expect((error as LtError).code).toBe(code);
    expect((error as LtError).message).toContain(path);
    expect((error as LtError).message).toMatch(detail);
    return;
  }
  throw new Error(`expected ${code} for ${path}`);
}
