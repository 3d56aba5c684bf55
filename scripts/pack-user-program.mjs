// What a user writes after `npm install @lt/core @lt/data @lt/models @lt/ce @lt/samn`: the DESIGN §4 composition.
import { createRun } from '@lt/core';
import { mnistLT } from '@lt/data';
import { cnn } from '@lt/models';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';

const run = createRun({
  dataset: mnistLT({ imbalance: 100, maxCount: 200 }), model: cnn(), seed: 0,
  stages: [
    { name: 'representation', epochs: 1, plugins: [ce()] },
    { name: 'classifier', epochs: 1, freeze: 'backbone', plugins: [ce(), samn()] },
  ],
});
const report = await run.start({ onProgress: () => {} });
const [s1, s2] = report.stages;
if (!(s1.final.top1 > 0.1 && s2.final.top1 > 0.1)) throw new Error(`accuracy too low: ${s1.final.top1}, ${s2.final.top1}`);
console.log(`installed packages train: stage 1 top-1 ${s1.final.top1.toFixed(3)}, stage 2 top-1 ${s2.final.top1.toFixed(3)}`);
