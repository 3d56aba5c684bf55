import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LtError } from '@lt/core';

/** Returns the bytes of a file, gunzipped when it starts with the gzip magic (so `.gz` downloads work as they are). */
export function readBinaryFile(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LtError('DATA_FILE_MISSING', `${path}: file not found`);
    if (code === 'EISDIR') throw new LtError('DATA_FILE_MISSING', `${path}: is a directory, expected a file`);
    throw new LtError('DATA_FILE_UNREADABLE', `${path}: cannot read (${(error as Error).message})`);
  }
  // Detect gzip by content, not by name: IDX and CIFAR files never start with 0x1f 0x8b.
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new LtError('DATA_FILE_CORRUPT', `${path}: gzip data is corrupt or truncated (${(error as Error).message})`);
    }
  }
  return bytes;
}

/** Returns the path of the first candidate file name (each also tried with `.gz`) found in one of `dirs`. */
export function findDataFile(dirs: readonly string[], names: readonly string[], what: string): string {
  const tried: string[] = [];
  for (const dir of dirs) {
    for (const name of names) {
      for (const candidate of [name, `${name}.gz`]) {
        const path = join(dir, candidate);
        if (existsSync(path) && statSync(path).isFile()) return path;
        tried.push(path);
      }
    }
  }
  throw new LtError('DATA_FILE_MISSING', `${what}: file not found; looked for ${tried.join(', ')}`);
}
