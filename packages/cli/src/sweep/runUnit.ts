import { access, cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRun, replaceDirAtomic, writeFileAtomic, type Logger, type ProgressEvent } from '@lt/core';
import { toRunConfig } from '../resolve.js';
import type { CliConfig } from '../schema.js';

/** What a process needs to run one sweep unit: absolute folders, so a worker on another machine finds them too. */
export interface UnitJob {
  readonly dir: string;
  readonly config: CliConfig;
  /** The finished prefix run to start from, and the stages to take from it. */
  readonly parent?: { readonly dir: string; readonly stages: readonly string[] };
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** Whether `dir` holds a finished run of `stages` stages (metrics.json reports every one). */
export async function unitFinished(dir: string, stages: number): Promise<boolean> {
  try {
    const report = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as { stages?: unknown[] };
    return report.stages?.length === stages;
  } catch {
    return false;
  }
}

/** Copies the parent's finished stage checkpoints (and best-on-test snapshots) the unit does not hold yet. */
async function adoptParent(job: UnitJob): Promise<void> {
  if (job.parent === undefined) return;
  for (const stage of job.parent.stages) {
    for (const folder of ['checkpoints', 'best-on-test']) {
      const source = join(job.parent.dir, folder, stage);
      const target = join(job.dir, folder, stage);
      if ((await exists(source)) && !(await exists(target))) {
        await replaceDirAtomic(target, (temp) => cp(source, temp, { recursive: true }));
      }
    }
  }
}

/**
 * Runs a unit as an ordinary `lt train` run directory, resuming whatever it holds: the parent's finished stages are
 * loaded and re-evaluated (`Run.start({ resume })`), an interrupted stage continues after its last checkpointed epoch.
 */
export async function runUnit(job: UnitJob, onProgress: (event: ProgressEvent) => void, logger: Logger): Promise<void> {
  await adoptParent(job);
  // The config a plain `lt train --config lt.config.json --out DIR --resume` would run again.
  await writeFileAtomic(join(job.dir, 'lt.config.json'), `${JSON.stringify(job.config, null, 2)}\n`);
  const run = createRun({ ...toRunConfig(job.config, job.dir), logger });
  try {
    await run.start({ resume: true, onProgress });
  } finally {
    run.dispose();
  }
}
