import * as tf from '@tensorflow/tfjs-core';
import { createRun, LtError } from '@lt/core';
import { specOf, stageName, tinyRunConfig, type PluginUnderTest, type TestBackend } from '../subject.js';

/**
 * Trains the tiny fixture and checks `tf.memory().numTensors` stays flat across the plugin's stage: the same
 * after every step (optimizer buffers exist from the first step on), the same at every epoch end, and back to
 * where it started once the run is disposed.
 */
export async function checkNoLeak<O>(subject: PluginUnderTest<O>, backend: TestBackend): Promise<void> {
  const name = specOf(subject).name;
  const stage = stageName(subject);
  const steps: Array<{ epoch: number; step: number; tensors: number }> = [];
  const epochEnds: number[] = [];
  const before = tf.memory().numTensors;
  const run = createRun(tinyRunConfig(subject, { backend }));
  await run.start({
    onProgress: (event) => {
      if (event.type === 'step' && event.stage === stage) steps.push({ epoch: event.epoch, step: event.step, tensors: tf.memory().numTensors });
      if (event.type === 'epoch-end' && event.record.stage === stage) epochEnds.push(tf.memory().numTensors);
    },
  });
  run.dispose();
  const after = tf.memory().numTensors;
  const where = `(stage '${stage}', ${backend})`;
  const grown = steps.find((s) => s.tensors !== steps[0].tensors);
  if (grown !== undefined) {
    throw new LtError(
      'TESTKIT_LEAK',
      `${name} leaks tensors during steps ${where}: tf.memory().numTensors was ${steps[0].tensors} after epoch ${steps[0].epoch} ` +
        `step ${steps[0].step} and ${grown.tensors} after epoch ${grown.epoch} step ${grown.step}. Tensors created in a loss or ` +
        `batch tap are freed by the engine's tf.tidy unless kept (tf.keep, tf.variable); dispose what lifecycle taps create.`,
    );
  }
  if (epochEnds.some((n) => n !== epochEnds[0])) {
    throw new LtError(
      'TESTKIT_LEAK',
      `${name} leaks tensors across epochs ${where}: tf.memory().numTensors at each epoch end was ${epochEnds.join(', ')}. ` +
        `Dispose what epochStart / epochEnd taps create.`,
    );
  }
  if (after !== before) {
    throw new LtError(
      'TESTKIT_LEAK',
      `${name} leaves ${after - before} tensor(s) behind after run.dispose() ${where} (${before} before the run, ${after} after). ` +
        `Keep trainable state in a module of the model (head, extras) so the run frees it, or dispose it in a stageEnd tap.`,
    );
  }
}
