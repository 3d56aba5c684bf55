import { describePlugin } from './describePlugin.js';
import { headPenalty, ownLoss } from './plugins.fixture.js';

// A plugin that keeps the contract passes the whole suite, in either stage and on both backends.
describePlugin('head-penalty', headPenalty, {
  options: { weight: 0.01 },
  invalidOptions: [{ options: { weight: -1 }, field: 'weight' }],
});

describePlugin('head-penalty in the classifier stage', headPenalty, {
  stage: 'classifier',
  companions: () => [ownLoss()],
  backends: ['cpu'],
});

describePlugin('own-loss', ownLoss, { conflictsWith: ownLoss, wasmChecks: 'leak' });
