export { tauNormalize } from './tauNormalize.js';
export { TauNormHead, type TauChoice } from './tauNormHead.js';
export { searchTau, trainSplit, balancedAccuracy, type TauSearchOptions } from './tauSearch.js';
export { LwsHead, LrScaledHead, scaledParameters, type LwsHeadOptions, type LwsHeadConfig } from './lwsHead.js';
export { classAwareSampler } from './classAware.js';
export {
  CrtOptions,
  TauNormOptions,
  LwsOptions,
  crtOptionsSchema,
  tauNormOptionsSchema,
  lwsOptionsSchema,
  defaultTauGrid,
  type CrtOptionsT,
  type TauNormOptionsT,
  type LwsOptionsT,
} from './options.js';
export { CrtPlugin, TauNormPlugin, LwsPlugin, crt, tauNorm, lws, reinitializeLinear } from './plugins.js';
export { version } from './version.js';
