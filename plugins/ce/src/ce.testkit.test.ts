import { describePlugin } from '@lt/testkit';
import { ce } from './plugin.js';

describePlugin('@lt/ce in stage 1', ce);
describePlugin('@lt/ce in the classifier stage', ce, { stage: 'classifier', wasmChecks: 'leak' });
