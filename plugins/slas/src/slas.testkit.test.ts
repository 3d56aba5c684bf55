import { describePlugin } from '@lt/testkit';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';
import { slas } from './plugin.js';
import { mixup } from './mixup.js';
import { mislasSchedule } from './mislasSchedule.js';

describePlugin('@lt/slas (MiSLAS: LWS, shift learning, class-balanced sampler)', slas, {
  stage: 'classifier',
  options: { preset: 'mislas', samplesPerClass: 2 },
  invalidOptions: [
    { options: { head: 2 }, field: 'head' },
    { options: { shape: 'exp' }, field: 'power' },
    { options: { preset: 'paper' }, field: 'preset' },
  ],
  conflictsWith: ce,
});

describePlugin('@lt/slas with samn', slas, { stage: 'classifier', companions: () => [samn()], wasmChecks: 'leak' });

describePlugin('@lt/slas:mixup', mixup, {
  companions: () => [ce()],
  invalidOptions: [{ options: { alpha: -1 }, field: 'alpha' }],
  wasmChecks: 'leak',
});

describePlugin('@lt/slas:mislas-schedule', mislasSchedule, {
  options: { warmupEpochs: 1 },
  invalidOptions: [{ options: { warmupEpochs: 0.5 }, field: 'warmupEpochs' }],
  wasmChecks: 'leak',
});
