import { describePlugin } from '@lt/testkit';
import { ce } from '@lt/ce';
import { samn } from './plugin.js';

describePlugin('@lt/samn', samn, {
  stage: 'classifier',
  companions: () => [ce()],
  invalidOptions: [
    { options: { scaleMode: 'log' }, field: 'scaleMode' },
    { options: { maxScaling: 100 }, field: 'maxScaling' },
    { options: { order: [1, Number.NaN] }, field: 'order' },
  ],
});
