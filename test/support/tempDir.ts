// A throwaway folder for one describe block's tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Makes a fresh folder before the block's tests and removes it after them; the returned function gives its path. */
export function tempDirForBlock(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error(`tempDirForBlock('${prefix}'): the folder exists only while the block's tests run`);
    return dir;
  };
}
