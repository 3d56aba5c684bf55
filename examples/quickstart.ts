// The DESIGN §4 composition: MNIST-LT, a small CNN, stage 1 cross-entropy, stage 2 CE + SAMN classifier retraining.
// Run: pnpm build && pnpm exec tsx examples/quickstart.ts
import { pathToFileURL } from 'node:url';
import { createRun, type RunReport } from '@lt/core';
import { mnistLT } from '@lt/data';
import { cnn } from '@lt/models';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';

/** Trains the two-stage baseline and returns its report; `small` shrinks it to a smoke test. */
export async function main({ small = false } = {}): Promise<RunReport> {
  const run = createRun({
    dataset: mnistLT(small ? { imbalance: 10, maxCount: 200 } : { imbalance: 100 }),
    model: cnn(),
    seed: 0,
    stages: [
      { name: 'representation', epochs: small ? 2 : 8, batchSize: 128, lr: 0.05, plugins: [ce()] },
      { name: 'classifier', epochs: small ? 2 : 4, batchSize: 128, lr: 0.01, weightDecay: 0, freeze: 'backbone', plugins: [ce(), samn()] },
    ],
  });
  const report = await run.start({
    onProgress: (event) => {
      if (event.type === 'epoch-end') console.log(`${event.record.stage} epoch ${event.record.epoch + 1}: top-1 ${event.record.test?.top1.toFixed(3)}`);
    },
  });
  const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  for (const stage of report.stages) {
    const { many, medium, few } = stage.final.manyMediumFew;
    console.log(`${stage.name}: top-1 ${fmt(stage.final.top1)} · many ${fmt(many)} · medium ${fmt(medium)} · few ${fmt(few)}`);
  }
  run.dispose();
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
