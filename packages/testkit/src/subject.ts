import type { DatasetSpec, ModelSpec, PluginSpec, RunConfig, StageConfig } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { cnn } from '@lt/models';

/**
 * The backends the conformance checks train on. `webgpu` needs a WebGPU adapter: in Node the npm package `webgpu`
 * and a Vulkan driver (without a GPU, SwiftShader: VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json).
 */
export type TestBackend = 'cpu' | 'wasm' | 'webgpu';

/** Builds a plugin's spec from its options, as users call it (`samn({ ... })`). */
export type PluginFactory<O> = (options?: O) => PluginSpec;

/** The tiny data, model and epochs the checks train on. */
export interface TinyFixture {
  /** Default: `syntheticLT` with 4 classes of 8×8×1 images, counts 40/18/8/4, 8 test images per class. */
  readonly dataset?: DatasetSpec;
  /** Default: a one-conv CNN, `cnn({ channels: [4], hidden: 8 })` (it has BatchNorm, so running statistics are checked too). */
  readonly model?: ModelSpec;
  /** Epochs of the plugin's stage; at least 2 (a kill after the first epoch must leave one to resume). Default 2. */
  readonly epochs?: number;
  /** Default 16 (5 steps per epoch on the default data). */
  readonly batchSize?: number;
}

/** A plugin and the stage it is checked in. */
export interface PluginUnderTest<O = unknown> {
  readonly factory: PluginFactory<O>;
  /** Options the training checks pass to `factory` (default: none). */
  readonly options?: O;
  /**
   * `representation`: the plugin's stage trains the whole model (stage 1). `classifier`: a one-epoch stage 1
   * trains first, then the plugin's stage retrains the head on the frozen backbone (stage 2). Default `representation`.
   */
  readonly stage?: 'representation' | 'classifier';
  /** Plugins listed before this one in its stage, e.g. `() => [ce()]` for a head plugin that needs a loss. */
  readonly companions?: () => readonly PluginSpec[];
  /** Plugins of stage 1 when `stage` is `classifier` (default none: the engine's cross-entropy). */
  readonly previousStage?: () => readonly PluginSpec[];
  /** Extra settings of the plugin's stage (e.g. `{ batchNorm: 'frozen', augment: false }`). */
  readonly stageSettings?: Omit<Partial<StageConfig>, 'name' | 'plugins'>;
  readonly fixture?: TinyFixture;
}

/** Name of the stage the plugin is checked in. */
export const stageName = <O>(subject: PluginUnderTest<O>): string => subject.stage ?? 'representation';

/** The plugin's spec built with the subject's options. */
export const specOf = <O>(subject: PluginUnderTest<O>): PluginSpec => subject.factory(subject.options);

/** What to run besides the subject: the plugins of its stage (default: companions, then the plugin). */
export interface RunShape {
  readonly backend: TestBackend;
  readonly seed?: number;
  readonly outDir?: string;
  /** The plugins of the stage under test, given the subject's spec. */
  readonly stagePlugins?: (plugin: PluginSpec) => readonly PluginSpec[];
}

/** The run configuration of a check: the tiny fixture with the plugin in its stage. */
export function tinyRunConfig<O>(subject: PluginUnderTest<O>, shape: RunShape): RunConfig {
  const fixture = subject.fixture ?? {};
  const epochs = fixture.epochs ?? 2;
  const batchSize = fixture.batchSize ?? 16;
  const plugin = specOf(subject);
  const plugins = shape.stagePlugins?.(plugin) ?? [...(subject.companions?.() ?? []), plugin];
  const own: StageConfig =
    subject.stage === 'classifier'
      ? { name: 'classifier', epochs, batchSize, lr: 0.01, weightDecay: 0, freeze: 'backbone', ...subject.stageSettings, plugins: [...plugins] }
      : { name: 'representation', epochs, batchSize, lr: 0.05, ...subject.stageSettings, plugins: [...plugins] };
  const before: StageConfig[] =
    subject.stage === 'classifier'
      ? [{ name: 'representation', epochs: 1, batchSize, lr: 0.05, plugins: [...(subject.previousStage?.() ?? [])] }]
      : [];
  return {
    dataset: fixture.dataset ?? syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 40, testPerClass: 8 }),
    model: fixture.model ?? cnn({ channels: [4], hidden: 8 }),
    seed: shape.seed ?? 0,
    backend: shape.backend,
    ...(shape.outDir !== undefined && { outDir: shape.outDir }),
    stages: [...before, own],
  };
}
