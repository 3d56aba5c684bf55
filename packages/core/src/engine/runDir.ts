import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../checkpoint/atomic.js';
import type { EpochRecord, RunManifest, StageReport } from './records.js';
import { reportHtml } from '../report/html.js';

/** The files of a run directory (DESIGN §8). */
export class RunDirectory {
  constructor(readonly path: string) {}

  /** Folder of a stage's checkpoint. */
  checkpoint(stage: string): string {
    return join(this.path, 'checkpoints', stage);
  }

  /** Folder of a stage's best-on-test snapshot (kept only when the next stage starts from it). */
  bestCheckpoint(stage: string): string {
    return join(this.path, 'best-on-test', stage);
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

  /** Writes norms.json (per-class head norms after each stage) and report.html for the stages done so far. */
  async writeStageOutputs(manifest: RunManifest, stages: readonly StageReport[]): Promise<void> {
    await this.writeJson('norms.json', {
      classCounts: manifest.classCounts,
      stages: stages.map((s) => ({ name: s.name, norms: s.headNorms })),
    });
    await writeFileAtomic(join(this.path, 'report.html'), reportHtml({ manifest, stages: [...stages] }));
  }

  /** Appends one epoch row to metrics.jsonl. */
  async appendMetrics(row: EpochRecord): Promise<void> {
    await appendFile(join(this.path, 'metrics.jsonl'), `${JSON.stringify(row)}\n`);
  }
}
