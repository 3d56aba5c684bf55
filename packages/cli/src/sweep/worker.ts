import { availableParallelism } from 'node:os';
import { parseCommandArgs, numberFlag } from '../commandArgs.js';
import { UnrecoverableError, Worker } from 'bullmq';
import { LtError } from '@lt/core';
import { startUnitChild, type UnitChild } from './childRunner.js';
import type { UnitJob } from './runUnit.js';
import { queueName, redisConnection } from './redis.js';

/** Help text of `lt worker`. */
export const workerHelp = `Usage: lt worker --queue redis://HOST:PORT [--concurrency N] [--stalled-interval MS]

Takes sweep cells from the queue and trains them, each in a child process with the cores split between them.
Run folders are read and written at the sweep's absolute path: mount the shared storage at the same path.
A killed worker's cell is retried by another worker after the stalled interval and resumes from its checkpoint.

Options:
      --queue URL              Redis of the sweep (redis://HOST:PORT)
      --concurrency N          cells at once (default 1)
      --stalled-interval MS    how soon a dead worker's cell is retried (default 30000)
  -h, --help                   this text
`;

/** Runs `lt worker` until interrupted; returns the exit code. */
export async function worker(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parseCommandArgs('worker', {
    args: argv,
    strict: true,
    options: { queue: { type: 'string' }, concurrency: { type: 'string' }, 'stalled-interval': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(workerHelp);
    return 0;
  }
  if (values.queue === undefined) throw new LtError('CLI_ARGS', 'lt worker needs --queue redis://HOST:PORT');
  const concurrency = numberFlag('concurrency', values.concurrency, { integer: true, min: 1 }) ?? 1;
  // Milliseconds: below 100 the lock would expire between BullMQ's own renewals.
  const stalled = numberFlag('stalled-interval', values['stalled-interval'], { integer: true, min: 100 }) ?? 30000;
  const threads = Math.max(1, Math.floor(availableParallelism() / concurrency));
  const children = new Set<UnitChild>();
  const bull = new Worker<UnitJob>(
    queueName,
    async (job) => {
      out.write(`${job.id}: ${job.data.dir} (attempt ${job.attemptsMade + 1})\n`);
      const child = startUnitChild(job.data, threads, (message) => {
        if (message.type === 'stage' && message.startEpoch > 0) out.write(`${job.id}: stage ${message.stage} resumes at epoch ${message.startEpoch + 1}\n`);
        void job.updateProgress(message);
      });
      children.add(child);
      try {
        await child.done;
      } catch (error) {
        // A bad config fails the same way on every worker: fail the job once instead of retrying it.
        if (error instanceof LtError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
        throw error;
      } finally {
        children.delete(child);
      }
      out.write(`${job.id}: finished\n`);
    },
    // The lock is renewed at half its duration while a cell trains; a dead worker's cell is stalled once it expires.
    { connection: redisConnection(values.queue), concurrency, lockDuration: stalled, stalledInterval: stalled, maxStalledCount: 3 },
  );
  bull.on('failed', (job, error) => out.write(`${job?.id}: failed: ${error.message.split('\n')[0]}\n`));
  // ioredis retries a refused connection forever and silently: say so once per outage, and when it answers again.
  let unreachable = false;
  bull.on('error', (error) => {
    if (unreachable) return;
    unreachable = true;
    out.write(`lt worker: cannot reach Redis at ${values.queue} (${error.message}); retrying until it answers — Ctrl-C to stop\n`);
  });
  bull.on('ready', () => {
    if (unreachable) out.write(`lt worker: connected to Redis at ${values.queue}\n`);
    unreachable = false;
  });
  out.write(`lt worker on ${values.queue}: ${concurrency} at once, ${threads} thread${threads === 1 ? '' : 's'} each\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      // Killed children leave their jobs active; another worker retries them once their locks expire.
      for (const child of children) child.kill();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await bull.close(true);
  return 0;
}
