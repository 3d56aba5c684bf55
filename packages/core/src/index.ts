import 'reflect-metadata';
// Importing tfjs-layers registers every gradient function of tfjs-core (tfjs-core alone registers none).
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

export { injectable, inject, type DependencyContainer } from 'tsyringe';
export { LtError } from './errors.js';
export { createRng, type Rng } from './rng.js';
export type { Dataset, DatasetInfo, DatasetSpec, SplitManifest, Batch, Sampler } from './types/data.js';
export type {
  NamedVariable,
  ForwardMode,
  Module,
  Backbone,
  ClassifierHead,
  ExtraModule,
  ModelParts,
  ModelSpec,
} from './types/model.js';
export { modelVariables } from './types/model.js';
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
export { createStageHooks, type StageHooks, type ReplaceOption, type StepReport, type EpochReport } from './hooks.js';
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
