import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@lt/core';

/** A decoded cache on disk: `records` fixed-size `recordSize × recordSize × 3` uint8 records in one file. */
export interface DecodedCache {
  readonly path: string;
  readonly sha256: string;
  readonly recordSize: number;
  readonly records: number;
  /** Positions of the records whose image failed to decode (zero-filled). */
  readonly failed: readonly { index: number; reason: string }[];
}

interface Sidecar extends Omit<DecodedCache, 'path'> {
  readonly key: string;
}

/** Returns the cache key: the record side and every image path with its size and modification time. */
export function decodedCacheKey(paths: readonly string[], recordSize: number): string {
  const hash = createHash('sha256').update(`lt-decoded-cache v1 ${recordSize}\n`);
  for (const path of paths) {
    let stamp = 'missing';
    try {
      const stat = statSync(path);
      stamp = `${stat.size} ${stat.mtimeMs}`;
    } catch {
      // A missing file fails when decoded; it still belongs in the key so that restoring it rebuilds the cache.
    }
    hash.update(`${path}\t${stamp}\n`);
  }
  return hash.digest('hex');
}

/** The cache file for `key` under `dir` (one file per source list and size; a change makes a new one). */
export function decodedCachePath(dir: string, name: string, key: string): string {
  return join(resolve(dir), `${name}-${key.slice(0, 16)}.u8`);
}

/** Returns the cache at `path` if its sidecar matches `key` and its size is whole, else undefined. */
export function openDecodedCache(path: string, key: string): DecodedCache | undefined {
  const sidecarPath = `${path}.json`;
  if (!existsSync(path) || !existsSync(sidecarPath)) return undefined;
  const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
  if (sidecar.key !== key || statSync(path).size !== sidecar.records * sidecar.recordSize * sidecar.recordSize * 3) return undefined;
  return { path, sha256: sidecar.sha256, recordSize: sidecar.recordSize, records: sidecar.records, failed: sidecar.failed };
}

/** Writes the cache record by record from `chunks` (temp file, then rename), and its sidecar. */
export async function writeDecodedCache(
  path: string,
  key: string,
  recordSize: number,
  records: number,
  chunks: AsyncIterable<{ pixels: Uint8Array; failed: { index: number; reason: string }[] }>,
): Promise<DecodedCache> {
  mkdirSync(resolve(path, '..'), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  const hash = createHash('sha256');
  const failed: { index: number; reason: string }[] = [];
  const fd = openSync(temp, 'w');
  try {
    for await (const chunk of chunks) {
      hash.update(chunk.pixels);
      writeSync(fd, chunk.pixels);
      failed.push(...chunk.failed);
    }
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  const cache: DecodedCache = { path, sha256: hash.digest('hex'), recordSize, records, failed };
  const { path: _path, ...rest } = cache;
  await writeFileAtomic(`${path}.json`, JSON.stringify({ ...rest, key } satisfies Sidecar));
  return cache;
}
