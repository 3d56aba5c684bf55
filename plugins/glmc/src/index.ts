export { labelWeights, samplingProbabilities } from './weights.js';
export { cumulativeAlpha } from './cumulativeAlpha.js';
export { cutMixBox, sampleCutMixBox, boxArea, pasteBox, type CutMixBox } from './cutMix.js';
export { glmcMix, type GlmcMixed, type GlmcMixInput } from './mix.js';
export { stopGradient } from './stopGradient.js';
export {
  cosineSimilarity,
  negativeCosine,
  mixtureConsistency,
  glmcObjective,
  type GlmcOutputs,
  type GlmcLossTerms,
  type GlmcLossWeights,
} from './loss.js';
export {
  GLMC_NAMES,
  LinearExtra,
  hasGlmcHeads,
  glmcHeads,
  withGlmcHeads,
  glmcOutputs,
  type GlmcHeads,
  type GlmcHeadOptions,
} from './heads.js';
export { ResampledStream, type ResampledStreamOptions } from './resampledStream.js';
export { mixGlmcBatch, isGlmcBatch, glmcStepData, type GlmcBatch, type GlmcStepData, type GlmcBatchSettings } from './batch.js';
export { glmcStepLoss, glmcLoss } from './stepLoss.js';
export { GlmcOptions, glmcOptionsSchema, type GlmcOptionsT, type GlmcOptionsInput } from './options.js';
export {
  glmcPreset,
  glmcPresets,
  glmcRecipe,
  glmcRepresentationStage,
  glmcClassifierStage,
  type GlmcPresetOptions,
  type GlmcPresetDataset,
  type GlmcStageSettings,
  type GlmcRecipe,
  type GlmcClassifierKind,
} from './presets.js';
export { GlmcPlugin, glmc } from './plugin.js';
export {
  glmcLargeScaleSchedule,
  glmcSchedule,
  GlmcSchedulePlugin,
  GlmcScheduleOptions,
  glmcScheduleOptionsSchema,
  type GlmcScheduleOptionsT,
} from './largeScaleSchedule.js';
export { GlmcClassifierPlugin, glmcClassifier } from './classifier.js';
export { glmcStepWorkload, type GlmcStepWorkload, type GlmcStepWorkloadOptions } from './workload.js';
export { version } from './version.js';
