import { describePlugin } from '@lt/testkit';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';
import { crt, lws, tauNorm } from './plugins.js';

describePlugin('@lt/decoupling:crt', crt, {
  stage: 'classifier',
  companions: () => [ce()],
  options: { samplesPerClass: 2 },
  invalidOptions: [
    { options: { samplesPerClass: 0 }, field: 'samplesPerClass' },
    { options: { reinitialize: 'yes' }, field: 'reinitialize' },
  ],
});

describePlugin('@lt/decoupling:tau-norm', tauNorm, {
  stage: 'classifier',
  companions: () => [ce()],
  invalidOptions: [
    { options: { tau: -1 }, field: 'tau' },
    { options: { searchOn: 'val' }, field: 'searchOn' },
  ],
  conflictsWith: samn,
  wasmChecks: 'leak',
});

describePlugin('@lt/decoupling:lws', lws, {
  stage: 'classifier',
  companions: () => [ce()],
  invalidOptions: [{ options: { trainClassifier: 1 }, field: 'trainClassifier' }],
  conflictsWith: samn,
  wasmChecks: 'leak',
});
