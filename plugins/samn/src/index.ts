export { pava, type IsotonicFit } from './pava.js';
export { pavaTensor } from './pavaTensor.js';
export { initialRaw, monotoneScaling, type MonotoneScalingOptions } from './monotoneScaling.js';
export {
  samnLogits,
  defaultMaxScaling,
  type ScaleMode,
  type SamnParameters,
  type SamnLogitsOptions,
  type ScalingClamp,
} from './samnLogits.js';
export { SamnHead, type SamnInit, type SamnHeadOptions, type SamnHeadSource, type SamnHeadConfig } from './head.js';
export { SamnOptions, samnOptionsSchema, type SamnOptionsT, type SamnOptionsInput } from './options.js';
export { SamnPlugin, samn } from './plugin.js';
export { version } from './version.js';
