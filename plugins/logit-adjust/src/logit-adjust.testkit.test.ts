import { describePlugin } from '@lt/testkit';
import { ce } from '@lt/ce';
import { balancedSoftmax, ldamDrw, logitAdjusted, posthocAdjust } from './plugins.js';

describePlugin('@lt/logit-adjust:la', logitAdjusted, {
  invalidOptions: [{ options: { tau: -0.5 }, field: 'tau' }],
  conflictsWith: ce,
});

describePlugin('@lt/logit-adjust:posthoc', posthocAdjust, {
  stage: 'classifier',
  companions: () => [ce()],
  invalidOptions: [{ options: { tau: 'one' }, field: 'tau' }],
  wasmChecks: 'leak',
});

describePlugin('@lt/logit-adjust:balanced-softmax', balancedSoftmax, { conflictsWith: ce, wasmChecks: 'leak' });

describePlugin('@lt/logit-adjust:ldam-drw', ldamDrw, {
  options: { deferEpoch: 1 },
  invalidOptions: [
    { options: { scale: 0 }, field: 'scale' },
    { options: { reweight: 'sometimes' }, field: 'reweight' },
  ],
  conflictsWith: ce,
  wasmChecks: 'leak',
});
