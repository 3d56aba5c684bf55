import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import type { EpochRecord } from './records.js';

/** The files of a run directory (DESIGN §8). */
export class RunDirectory {
  constructor(readonly path: string) {}

  /** Folder of a stage's checkpoint. */
  checkpoint(stage: string): string {
    return join(this.path, 'checkpoints', stage);
  }

  /** Creates the folder. */
  async create(): Promise<void> {
    await mkdir(this.path, { recursive: true });
  }

  /** Writes a JSON file atomically (manifest.json, metrics.json, …). */
  async writeJson(name: string, value: unknown): Promise<void> {
    await writeFileAtomic(join(this.path, name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Rewrites metrics.jsonl from the given rows (on start and on resume). */
  async resetMetrics(rows: readonly EpochRecord[]): Promise<void> {
    await writeFileAtomic(join(this.path, 'metrics.jsonl'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /** Appends one epoch row to metrics.jsonl. */
  async appendMetrics(row: EpochRecord): Promise<void> {
    await appendFile(join(this.path, 'metrics.jsonl'), `${JSON.stringify(row)}\n`);
  }
}
