import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes a file through a temp file in the same folder and a rename, so readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Replaces the folder `path` with one written by `fill` into a temp sibling: the old folder stays intact until the
 * new one is complete.
 */
export async function replaceDirAtomic(path: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(dirname(path), `.${basename(path)}.tmp-${suffix}`);
  const old = join(dirname(path), `.${basename(path)}.old-${suffix}`);
  await mkdir(temp, { recursive: true });
  try {
    await fill(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  let hadOld = true;
  try {
    await rename(path, old);
  } catch {
    hadOld = false;
  }
  await rename(temp, path);
  if (hadOld) await rm(old, { recursive: true, force: true });
}
