import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { awaitJob } from './pool.js';

const JOB = 1;

/** A worker that waits with awaitJob's own source (as the pool's helpers do) and posts each job it is handed. */
function waiter(control: SharedArrayBuffer): Worker {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const awaitJob = ${awaitJob.toString()};
    const ctrl = new Int32Array(workerData);
    let seen = 0;
    for (;;) {
      seen = awaitJob(ctrl, ${JOB}, seen, 0);
      parentPort.postMessage(seen);
    }`;
  return new Worker(source, { eval: true, workerData: control });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('awaitJob (the pool helpers’ wait for the next call)', () => {
  it('keeps waiting through a wake-up that brings no new job, and returns the next one', async () => {
    const control = new SharedArrayBuffer(8 * 4);
    const ctrl = new Int32Array(control);
    const worker = waiter(control);
    const jobs: number[] = [];
    worker.on('message', (job: number) => jobs.push(job));
    try {
      // Wake the sleeping helper three times without a job: the late notify of a call it already ran.
      for (let woken = 0; woken < 3; ) {
        woken += Atomics.notify(ctrl, JOB);
        await sleep(5);
      }
      await sleep(50);
      expect(jobs).toEqual([]);
      Atomics.add(ctrl, JOB, 1);
      Atomics.notify(ctrl, JOB);
      for (let i = 0; i < 200 && jobs.length === 0; i++) await sleep(5);
      expect(jobs).toEqual([1]);
    } finally {
      await worker.terminate();
    }
  });

  it('returns at once when the job has already moved on, without sleeping', () => {
    const ctrl = new Int32Array(new SharedArrayBuffer(8 * 4));
    Atomics.store(ctrl, JOB, 7);
    expect(awaitJob(ctrl, JOB, 6, 0)).toBe(7);
  });
});
