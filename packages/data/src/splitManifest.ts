import { createHash } from 'node:crypto';
import type { SplitManifest } from '@lt/core';
import type { Selection } from './selectLongTailed.js';

/** What `splitManifest` records besides the checksum. */
export interface SplitManifestInput {
  readonly dataset: string;
  readonly imbalanceFactor: number;
  readonly selection: Selection;
  readonly seed: number;
  readonly classCounts: readonly number[];
  readonly testCount: number;
  /** Where the images came from (package or directory and files). */
  readonly source: string;
  /** The chosen training indices into the full training set. */
  readonly indices: ArrayLike<number>;
}

/** Returns the SHA-256 (hex) of the indices written as little-endian int32, whatever the host's byte order. */
export function indicesSha256(indices: ArrayLike<number>): string {
  const bytes = new DataView(new ArrayBuffer(indices.length * 4));
  for (let i = 0; i < indices.length; i++) bytes.setInt32(i * 4, indices[i], true);
  return createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex');
}

/** Returns the manifest that identifies a long-tailed split, with the checksum of its indices. */
export function splitManifest(input: SplitManifestInput): SplitManifest {
  return {
    dataset: input.dataset,
    imbalanceFactor: input.imbalanceFactor,
    selection: input.selection,
    seed: input.seed,
    classCounts: [...input.classCounts],
    testCount: input.testCount,
    indicesSha256: indicesSha256(input.indices),
    source: input.source,
  };
}
