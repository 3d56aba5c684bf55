import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun, LtError } from '@lt/core';
import { firstDifference, outcomeOf } from '../outcome.js';
import { specOf, stageName, tinyRunConfig, type PluginUnderTest, type TestBackend } from '../subject.js';
import { trainOutcome } from './deterministic.js';

/** Thrown from a progress callback to stop a run the way a crash would. */
class Killed extends Error {}

/**
 * Kills a run right after the first epoch of the plugin's stage was checkpointed, resumes it from its run
 * directory in a fresh run (fresh plugin instances), and checks it ends exactly where an uninterrupted run ends.
 */
export async function checkResume<O>(subject: PluginUnderTest<O>, backend: TestBackend): Promise<void> {
  const name = specOf(subject).name;
  const stage = stageName(subject);
  if ((subject.fixture?.epochs ?? 2) < 2) {
    throw new LtError('TESTKIT_FIXTURE', `${name}: the resume check kills stage '${stage}' after its first epoch, so it needs fixture.epochs ≥ 2`);
  }
  const expected = await trainOutcome(subject, backend);
  const dir = await mkdtemp(join(tmpdir(), 'lt-testkit-'));
  try {
    const outDir = join(dir, 'run');
    const interrupted = createRun(tinyRunConfig(subject, { backend, outDir }));
    let killed = false;
    try {
      await interrupted.start({
        onProgress: (event) => {
          if (event.type === 'epoch-end' && event.record.stage === stage && event.record.epoch === 0) throw new Killed();
        },
      });
    } catch (error) {
      if (!(error instanceof Killed)) throw error;
      killed = true;
    } finally {
      interrupted.dispose();
    }
    if (!killed) throw new LtError('TESTKIT_RESUME', `${name}: the run was not stopped after epoch 1 of stage '${stage}'; does a plugin catch errors thrown by onProgress?`);
    const resumed = createRun(tinyRunConfig(subject, { backend, outDir }));
    let got;
    try {
      got = outcomeOf(await resumed.start({ resume: true }));
    } finally {
      resumed.dispose();
    }
    const difference = firstDifference(expected, got);
    if (difference !== undefined) {
      throw new LtError(
        'TESTKIT_RESUME',
        `${name} does not survive checkpoint → resume (${backend}): a run killed after epoch 1 of stage '${stage}' and resumed ` +
          `differs from an uninterrupted one at ${difference} (uninterrupted vs resumed). State that changes during training ` +
          `must live in the model's variables (a head's parameters or buffers, or an extra module from the model hook), ` +
          `which checkpoints save; or be derived from the epoch and step the hooks receive.`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
