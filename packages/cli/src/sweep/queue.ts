import { createHash } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { LtError } from '@lt/core';
import type { SweepUnit } from './plan.js';
import { unitJob } from './pending.js';
import { unitFinished, type UnitJob } from './runUnit.js';
import type { SweepProgress } from './progress.js';
import type { UnitMessage } from './childRunner.js';
import { queueName, redisConnection } from './redis.js';

/** Job id of a unit: the same folder and configuration give the same id, so a re-run finds its queued jobs. */
const jobId = (job: UnitJob): string => `u-${createHash('sha256').update(JSON.stringify([job.dir, job.config])).digest('hex').slice(0, 24)}`;

/** Adds a unit's job unless it is already queued or running; a failed or lost one is queued again. */
async function enqueue(queue: Queue, job: UnitJob): Promise<Job> {
  const id = jobId(job);
  const existing = await Job.fromId(queue, id);
  if (existing !== undefined) {
    const state = await existing.getState();
    if (state === 'failed') await existing.remove();
    else if (state === 'completed' && !(await unitFinished(job.dir, job.config.stages!.length))) await existing.remove();
    else return existing;
  }
  // attempts: a crash is retried twice; a bad config fails once (the worker throws UnrecoverableError).
  return queue.add('unit', job, { jobId: id, attempts: 3, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } });
}

/**
 * Runs the pending units on the queue, one phase per prefix depth (a cell's job is added once its prefix finished),
 * and follows their progress until every job has completed or failed. Workers read and write the unit folders
 * through shared storage at the same absolute path. Interrupting leaves the jobs queued.
 */
export async function runQueued(
  url: string,
  sweepDir: string,
  pending: readonly SweepUnit[],
  byId: ReadonlyMap<string, SweepUnit>,
  progress: SweepProgress,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const queue = new Queue(queueName, { connection: redisConnection(url) });
  const failed = new Map<string, string>();
  try {
    const depths = [...new Set(pending.map((u) => u.depth))].sort((a, b) => a - b);
    for (const depth of depths) {
      const phase: Array<{ unit: SweepUnit; job: Job }> = [];
      for (const unit of pending.filter((u) => u.depth === depth)) {
        if (unit.parent !== undefined && failed.has(unit.parent)) failed.set(unit.id, `its shared prefix ${unit.parent} failed`);
        else phase.push({ unit, job: await enqueue(queue, unitJob(sweepDir, unit, byId)) });
      }
      await follow(queue, phase, progress, failed, signal);
    }
  } finally {
    await queue.close();
  }
  return failed;
}

/** Polls the phase's jobs until each has completed or failed, reporting epochs as workers publish them. */
async function follow(queue: Queue, phase: Array<{ unit: SweepUnit; job: Job }>, progress: SweepProgress, failed: Map<string, string>, signal?: AbortSignal): Promise<void> {
  const seen = new Map<string, string>();
  const open = new Set(phase.map((p) => p.unit.id));
  while (open.size > 0) {
    if (signal?.aborted) throw new LtError('INTERRUPTED', 'stopped following the sweep: its jobs stay queued, and running it again picks them up');
    for (const { unit, job } of phase.filter((p) => open.has(p.unit.id))) {
      const current = await Job.fromId<UnitJob>(queue, job.id!);
      const state = current === undefined ? 'missing' : await current.getState();
      const message = current?.progress as UnitMessage | undefined;
      const key = JSON.stringify(message);
      if (message !== undefined && typeof message === 'object' && seen.get(unit.id) !== key) {
        seen.set(unit.id, key);
        progress.handle(unit, message);
      }
      if (state === 'completed') {
        open.delete(unit.id);
        progress.finish(unit, 'finished');
      } else if (state === 'failed' || state === 'missing') {
        const reason = current?.failedReason ?? 'its job disappeared from the queue';
        failed.set(unit.id, reason);
        open.delete(unit.id);
        progress.finish(unit, `FAILED: ${reason.split('\n')[0]}`);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
