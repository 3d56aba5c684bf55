import { describePlugin } from '@lt/testkit';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';
import { weightBalancing } from './plugin.js';

describePlugin('@lt/weight-balancing', weightBalancing, {
  stage: 'classifier',
  invalidOptions: [
    { options: { beta: 1 }, field: 'beta' },
    { options: { loss: 'focal' }, field: 'loss' },
  ],
  conflictsWith: samn,
});

describePlugin('@lt/weight-balancing with plain CE', weightBalancing, {
  stage: 'classifier',
  options: { loss: 'ce' },
  companions: () => [ce()],
  wasmChecks: 'leak',
});
