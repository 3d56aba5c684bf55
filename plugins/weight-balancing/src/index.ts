export { maxNormProject, maxNormThreshold, maxNormThresholdTensor } from './maxNorm.js';
export { cbSoftmaxLoss } from './cbSoftmaxLoss.js';
export { MaxNormHead } from './maxNormHead.js';
export {
  WeightBalancingPlugin,
  WeightBalancingOptions,
  weightBalancingOptionsSchema,
  weightBalancing,
  type WeightBalancingOptionsT,
} from './plugin.js';
export { version } from './version.js';
