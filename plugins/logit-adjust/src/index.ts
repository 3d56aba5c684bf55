export { logitAdjustedLoss, posthocLogitAdjust, balancedSoftmaxLoss, logPriorAdjustment } from './logitAdjust.js';
export { ldamMargins, ldamLoss, classBalancedWeights, type LdamLossOptions } from './ldam.js';
export { CosineHead, ShiftedHead } from './heads.js';
export { labelTensor } from './tensors.js';
export {
  LogitAdjustOptions,
  PosthocAdjustOptions,
  LdamDrwOptions,
  logitAdjustOptionsSchema,
  ldamDrwOptionsSchema,
  type LogitAdjustOptionsT,
  type LdamDrwOptionsT,
} from './options.js';
export {
  LogitAdjustedPlugin,
  PosthocAdjustPlugin,
  BalancedSoftmaxPlugin,
  LdamDrwPlugin,
  logitAdjusted,
  posthocAdjust,
  balancedSoftmax,
  ldamDrw,
  ldamDrwSchedule,
  deferralEpoch,
} from './plugins.js';
export { version } from './version.js';
