import { createRun, LtError } from '@lt/core';
import { firstDifference, outcomeOf, type Outcome } from '../outcome.js';
import { specOf, tinyRunConfig, type PluginUnderTest, type TestBackend } from '../subject.js';

/** Trains the tiny fixture once and returns what must repeat. */
export async function trainOutcome<O>(subject: PluginUnderTest<O>, backend: TestBackend, seed = 0): Promise<Outcome> {
  const run = createRun(tinyRunConfig(subject, { backend, seed }));
  try {
    return outcomeOf(await run.start());
  } finally {
    run.dispose();
  }
}

/**
 * Trains twice with the same seed and checks losses, test metrics and head norms are identical: all randomness
 * must come from the run's seeded streams (`context.rng`, `step.rng`), never `Math.random` or the clock.
 */
export async function checkDeterministic<O>(subject: PluginUnderTest<O>, backend: TestBackend): Promise<void> {
  const first = await trainOutcome(subject, backend);
  const second = await trainOutcome(subject, backend);
  const difference = firstDifference(first, second);
  if (difference !== undefined) {
    throw new LtError(
      'TESTKIT_NONDETERMINISTIC',
      `${specOf(subject).name} is not deterministic under a seed (${backend}): two runs with seed 0 differ at ${difference}. ` +
        `Draw random numbers from context.rng or step.rng (forked per use), not Math.random, Date or tf.random* without a seed.`,
    );
  }
}
