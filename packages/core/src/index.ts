import 'reflect-metadata';
// Importing tfjs-layers registers every gradient function of tfjs-core (tfjs-core alone registers none).
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

export { injectable, inject, type DependencyContainer } from 'tsyringe';
export { LtError } from './errors.js';
export { createRng, type Rng } from './rng.js';
export type { Dataset, DatasetInfo, DatasetSpec, SplitManifest, ImageSplitInfo, Batch, Sampler } from './types/data.js';
export type {
  NamedVariable,
  ForwardMode,
  Module,
  Backbone,
  ClassifierHead,
  DenseFold,
  ExtraModule,
  ModelParts,
  ModelSpec,
} from './types/model.js';
export { modelVariables } from './types/model.js';
export { denseOf } from './headFold.js';
export { HeadWrapper } from './headWrapper.js';
export { silentLogger, type Logger } from './types/logger.js';
export type {
  FrozenBatchNormMode,
  StageSettings,
  StageContext,
  BatchContext,
  StepContext,
  LossFn,
  LrSchedule,
} from './types/context.js';
export { createStageHooks, trackTapOwners, type StageHooks, type ReplaceOption, type StepReport, type EpochReport } from './hooks.js';
export { Tokens } from './tokens.js';
export {
  defineOptions,
  definePlugin,
  type LtPlugin,
  type PluginMeta,
  type PluginClass,
  type OptionsToken,
  type PluginSpec,
} from './plugin/define.js';
export { instanceBalancedSampler, type InstanceBalancedSamplerOptions } from './sampling/instanceBalanced.js';
export { Sgd, type SgdOptions } from './optim/sgd.js';
export { cosineSchedule, constantSchedule, type CosineScheduleOptions } from './optim/schedule.js';
export { softmaxCrossEntropy, softCrossEntropy, crossEntropyLoss } from './loss/crossEntropy.js';
export { confusionMatrix, perClassAccuracy } from './metrics/confusion.js';
export {
  manyMediumFew,
  frequencyGroup,
  type ManyMediumFew,
  type ManyMediumFewRule,
  type EmptyGroupValue,
} from './metrics/manyMediumFew.js';
export { evaluate, predictLogits, type EvalMetrics, type EvaluationOptions } from './metrics/evaluate.js';
export { saveCheckpoint, readCheckpoint, assignWeights, type CheckpointJson } from './checkpoint/checkpoint.js';
export { writeFileAtomic, replaceDirAtomic } from './checkpoint/atomic.js';
export { selectBackend, describeBackend, type BackendChoice, type BackendInfo } from './backend/select.js';
export { canReadSync } from './backend/syncRead.js';
export type { AdapterInfo } from './backend/webgpu.js';
export { WASM_FMA_ENV, WASM_KERNELS_ENV, WASM_WINOGRAD_ENV } from '@lt/backend-wasm';
export { resolveRunConfig, runConfigSchema, type RunConfig, type StageConfig, type ResolvedRunConfig } from './engine/config.js';
export { createRun, Run, type StartOptions } from './engine/run.js';
export { lineChart, type LineChartSpec, type ChartSeries } from './report/svgChart.js';
export { htmlPage } from './report/html.js';
export type { EpochRecord, StageReport, RunReport, RunManifest, ProgressEvent } from './engine/records.js';
export { version, packageVersion } from './version.js';
export { conv2d, conv2dBiasActivation, type Conv2DPad, type Conv2DActivation } from './ops/conv2d.js';
export { batchNorm, type BatchNormParams, type BatchNormOptions } from './ops/batchNorm.js';
export { variableGrads } from './ops/variableGrads.js';
export { relu, addRelu } from './ops/relu.js';
export { gradientsRecording } from './ops/tape.js';
export { InferenceCache, inferenceCached, withInferenceCache } from './ops/inferenceCache.js';
