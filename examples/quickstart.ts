// The DESIGN §4 composition: MNIST-LT, a small CNN, stage 1 cross-entropy, stage 2 classifier retraining.
// Run: pnpm build && pnpm exec tsx examples/quickstart.ts
import { pathToFileURL } from 'node:url';
import { createRun, type RunReport } from '@lt/core';
import { mnistLT } from '@lt/data';
import { cnn } from '@lt/models';
import { ce } from '@lt/ce';

/** Trains the two-stage baseline and returns its report; `small` shrinks it to a smoke test. */
export async function main({ small = false } = {}): Promise<RunReport> {
  const run = createRun({
    dataset: mnistLT({ imbalance: 100, ...(small && { maxCount: 100 }) }),
    model: cnn(),
    seed: 0,
    stages: [
      { name: 'representation', epochs: small ? 1 : 8, batchSize: 128, lr: 0.05, plugins: [ce()] },
      { name: 'classifier', epochs: small ? 1 : 4, batchSize: 128, lr: 0.01, weightDecay: 0, freeze: 'backbone', plugins: [ce()] },
    ],
  });
  const report = await run.start({
    onProgress: (event) => {
      if (event.type === 'epoch-end') console.log(`${event.record.stage} epoch ${event.record.epoch + 1}: top-1 ${event.record.test?.top1.toFixed(3)}`);
    },
  });
  for (const stage of report.stages) {
    const { many, medium, few } = stage.final.manyMediumFew;
    console.log(`${stage.name}: top-1 ${stage.final.top1.toFixed(3)} · many ${many?.toFixed(3)} · medium ${medium?.toFixed(3)} · few ${few?.toFixed(3)}`);
  }
  run.dispose();
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
