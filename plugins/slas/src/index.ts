export {
  labelAwareSmoothing,
  smoothingShapes,
  type LabelAwareSmoothingOptions,
  type SmoothingShape,
} from './labelAwareSmoothing.js';
export { lasLoss, softLasLoss } from './lasLoss.js';
export { LwsHead, LrScaledHead, type LwsHeadOptions, type LwsHeadConfig } from '@lt/decoupling';
export {
  SlasOptions,
  slasOptionsSchema,
  slasPresetNames,
  type SlasOptionsT,
  type SlasOptionsInput,
  type SlasPreset,
  type SlasPresetName,
  type SlasSampler,
} from './options.js';
export {
  slasPresets,
  slasStageSettings,
  slasRecipe,
  mislasSmoothing,
  mislasLrFactor,
  mislasShiftLearning,
  samnReferenceSmoothing,
  type CifarDataset,
  type CifarImbalance,
  type SmoothingPair,
  type SlasStageSettings,
} from './presets.js';
export { SlasPlugin, slas } from './plugin.js';
export {
  MixupPlugin,
  MixupOptions,
  mixup,
  mixupBatch,
  mixupLoss,
  mixupOf,
  mixupOptionsSchema,
  type MixupInfo,
  type MixedBatch,
  type MixupOptionsT,
} from './mixup.js';
export {
  MislasSchedulePlugin,
  MislasScheduleOptions,
  mislasSchedule,
  mislasStepSchedule,
  mislasScheduleOptionsSchema,
  type MislasStepScheduleOptions,
  type MislasScheduleOptionsT,
} from './mislasSchedule.js';
export { version } from './version.js';
