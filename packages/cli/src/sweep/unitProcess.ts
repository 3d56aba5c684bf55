// Child-process entry of a sweep unit: takes one UnitJob message, trains it, reports progress over IPC.
import type { LtError, ProgressEvent } from '@lt/core';
import { runUnit, type UnitJob } from './runUnit.js';
import type { UnitMessage } from './childRunner.js';

const send = (message: UnitMessage): Promise<void> =>
  new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));

// Orphaned (the sweep or worker that started it was killed): stop, so a retry does not race this process.
process.on('disconnect', () => process.exit(1));

function forward(event: ProgressEvent): void {
  if (event.type === 'stage-start') void send({ type: 'stage', stage: event.stage, epochs: event.epochs, startEpoch: event.startEpoch });
  if (event.type === 'epoch-end') {
    const { stage, epoch, seconds, test } = event.record;
    void send({ type: 'epoch', stage, epoch, epochs: event.epochs, seconds, top1: test?.top1 });
  }
}

process.once('message', (job: UnitJob) => {
  const logger = { info: () => undefined, warn: (message: string) => void send({ type: 'warning', message }) };
  runUnit(job, forward, logger).then(
    async () => {
      await send({ type: 'done' });
      process.exit(0);
    },
    async (error: unknown) => {
      // By name, not instanceof: the error may come from another copy of @lt/core than this file imports.
      const lt = (error as Error | undefined)?.name === 'LtError';
      const code = lt ? (error as LtError).code : undefined;
      await send({ type: 'error', code, message: lt ? (error as Error).message : ((error as Error).stack ?? String(error)) });
      process.exit(1);
    },
  );
});
