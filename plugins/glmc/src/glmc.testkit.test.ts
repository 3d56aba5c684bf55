import { describePlugin } from '@lt/testkit';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';
import { glmc } from './plugin.js';
import { glmcClassifier } from './classifier.js';

describePlugin('@lt/glmc', glmc, {
  options: { projectionDim: 4, contrastWeight: 2 },
  invalidOptions: [
    { options: { contrastWeight: -1 }, field: 'contrastWeight' },
    { options: { projectionDim: 0 }, field: 'projectionDim' },
  ],
  conflictsWith: ce,
});

describePlugin('@lt/glmc/classifier', glmcClassifier, {
  stage: 'classifier',
  previousStage: () => [glmc({ projectionDim: 4 })],
  companions: () => [samn()],
  wasmChecks: 'leak',
});
