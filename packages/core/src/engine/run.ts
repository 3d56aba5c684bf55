import * as tf from '@tensorflow/tfjs-core';
import { container as rootContainer } from 'tsyringe';
import { describeBackend, selectBackend, type BackendInfo } from '../backend/select.js';
import { createRng } from '../rng.js';
import { Tokens } from '../tokens.js';
import { LtError } from '../errors.js';
import { silentLogger } from '../types/logger.js';
import { modelVariables, type ClassifierHead, type ModelParts } from '../types/model.js';
import type { Dataset } from '../types/data.js';
import type { StageSettings } from '../types/context.js';
import { evaluate, type EvalMetrics, type EvaluationOptions } from '../metrics/evaluate.js';
import { readCheckpoint, assignWeights, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { Sgd } from '../optim/sgd.js';
import { version } from '../version.js';
import { resolveRunConfig, type ResolvedRunConfig, type RunConfig } from './config.js';
import { prepareStage, computeStep, prefetchSteps, stepRng, type PreparedStage } from './stage.js';
import { computeFeatureCache } from './featureCache.js';
import { BestSnapshot } from './bestSnapshot.js';
import { RunDirectory } from './runDir.js';
import type { EpochRecord, ProgressEvent, RunManifest, RunReport, StageReport } from './records.js';

/** Options of `Run.start`. */
export interface StartOptions {
  /** Called synchronously with every progress event. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Continue from the checkpoints in `outDir`: finished stages are loaded, an unfinished one resumes after its last epoch. */
  readonly resume?: boolean;
}

/** What a stage checkpoint records besides weights. */
interface StageCheckpointState {
  readonly stage: string;
  readonly epoch: number;
  readonly completed: boolean;
  readonly history: EpochRecord[];
}

const now = (): number => performance.now() / 1000;
/** Training batches a dataset with an off-thread decoder prepares ahead of the step. */
const PREFETCH_STEPS = 2;

/** One configured training run: stages → epochs → steps (DESIGN §2). */
export class Run {
  private parts: ModelParts | undefined;
  private loaded: Dataset | undefined;

  constructor(readonly config: ResolvedRunConfig) {}

  /** The model after `start` (its head is the last stage's head). */
  get model(): ModelParts {
    if (this.parts === undefined) throw new LtError('RUN_NOT_STARTED', 'the model exists once run.start() has been called');
    return this.parts;
  }

  /** The loaded dataset after `start`. */
  get dataset(): Dataset {
    if (this.loaded === undefined) throw new LtError('RUN_NOT_STARTED', 'the dataset exists once run.start() has been called');
    return this.loaded;
  }

  /** Trains every stage and returns the report; writes the run directory when `outDir` is set. */
  async start(options: StartOptions = {}): Promise<RunReport> {
    try {
      return await this.train(options);
    } finally {
      // Stops a dataset's decoding threads, also when training failed.
      await this.loaded?.close?.();
    }
  }

  private async train(options: StartOptions): Promise<RunReport> {
    const started = now();
    const { config } = this;
    const emit = options.onProgress ?? (() => undefined);
    const logger = config.logger ?? silentLogger;
    if (options.resume && config.outDir === undefined) {
      throw new LtError('RESUME_NO_DIR', 'resume needs outDir: the run directory that holds the checkpoints');
    }
    const backend = await selectBackend(config.backend);
    const rng = createRng(config.seed);
    const dataset = await config.dataset.load({ rng: rng.fork('data'), seed: config.seed });
    this.loaded = dataset;
    await config.model.load?.();
    let model = config.model.build({ info: dataset.info, rng: rng.fork('init') });
    this.parts = model;
    const container = rootContainer.createChildContainer();
    container.register(Tokens.ClassCounts, { useValue: dataset.classCounts });
    container.register(Tokens.Dataset, { useValue: dataset });
    container.register(Tokens.Seed, { useValue: config.seed });
    container.register(Tokens.Logger, { useValue: logger });
    const evaluation: EvaluationOptions & { everyEpoch: boolean } = {
      ...config.evaluation,
      flipTTA: config.evaluation.flipTTA === 'auto' ? dataset.info.flipPreservesLabel : config.evaluation.flipTTA,
    };
    const manifest = buildManifest(config, backend, dataset, evaluation);
    const dir = config.outDir === undefined ? undefined : new RunDirectory(config.outDir);
    await dir?.create();
    await dir?.writeJson('manifest.json', manifest);
    logger.info(`backend: ${describeBackend(backend)}`);
    if (backend.warning !== undefined) logger.warn(backend.warning);
    emit({ type: 'run-start', manifest });

    const reports: StageReport[] = [];
    const rows: EpochRecord[] = [];
    let best: BestSnapshot | undefined;
    for (const [index, stage] of config.stages.entries()) {
      const { plugins, ...rest } = stage;
      const settings: StageSettings = { ...rest, index };
      if (best !== undefined) {
        // Only kept when this stage asked for it, and only when the best epoch was not the last one.
        logger.info(`stage ${settings.name} starts from epoch ${best.epoch + 1} of the previous stage (best on test)`);
        best.restore(modelVariables(model), `best-on-test snapshot of stage ${config.stages[index - 1].name}`);
        best = undefined;
      }
      const keepBest = config.stages[index + 1]?.initFrom === 'best-on-test';
      const prepared = prepareStage({
        settings,
        plugins,
        model,
        dataset,
        seed: config.seed,
        rng: rng.fork('stage', index),
        logger,
        container,
      });
      model = prepared.model;
      this.parts = model;
      const saved = options.resume && dir ? await readStageCheckpoint(dir.checkpoint(settings.name)) : undefined;
      if (saved?.json.userDefinedMetadata.completed) {
        const { history } = saved.json.userDefinedMetadata;
        assignWeights(modelVariables(model), saved.weights, dir!.checkpoint(settings.name));
        tf.dispose(Object.values(saved.weights));
        // A plugin may finish setting up the model here (tau-norm reads its τ search back): the evaluation needs it.
        await prepared.hooks.stageStart.promise(prepared.context);
        const final = await evaluate(model, dataset, evaluation);
        const report = await stageReport(settings.name, history, final, model, 0, manifest);
        reports.push(report);
        if (keepBest && report.best.epoch !== history.length - 1) {
          best = await BestSnapshot.read(dir!.bestCheckpoint(settings.name));
          if (best?.epoch !== report.best.epoch) {
            throw new LtError('RESUME_NO_BEST', `cannot resume: ${dir!.bestCheckpoint(settings.name)} does not hold the best epoch (${report.best.epoch + 1}) of stage ${settings.name}`);
          }
        }
        rows.push(...history);
        await dir?.writeStageOutputs(manifest, reports);
        emit({ type: 'stage-skipped', stage: settings.name, reason: 'finished in the checkpoint being resumed' });
        continue;
      }
      const resumeFrom = saved?.json.userDefinedMetadata;
      if (dir && (options.resume || index === 0)) await dir.resetMetrics([...rows, ...(resumeFrom?.history ?? [])]);
      const trained = await trainStage(prepared, {
        evaluation,
        emit,
        dir,
        topology: { model: config.model.name, options: config.model.options },
        resume: saved === undefined ? undefined : { history: saved.json.userDefinedMetadata.history, weights: saved.weights },
        keepBest,
        manifest,
      });
      const report = trained.report;
      best = trained.best;
      if (saved) tf.dispose(Object.values(saved.weights));
      reports.push(report);
      rows.push(...report.history);
      await dir?.writeStageOutputs(manifest, reports);
    }
    const result: RunReport = { manifest, stages: reports, seconds: now() - started };
    await dir?.writeJson('metrics.json', result);
    return result;
  }

  /** Frees the model's tensors. */
  dispose(): void {
    if (this.parts === undefined) return;
    tf.dispose(modelVariables(this.parts).map((v) => v.variable));
    this.parts = undefined;
  }
}

/** Validates the configuration and creates a run (nothing is loaded until `start`). */
export function createRun(config: RunConfig): Run {
  return new Run(resolveRunConfig(config));
}

async function readStageCheckpoint(path: string) {
  try {
    return await readCheckpoint<StageCheckpointState>(path);
  } catch (error) {
    if ((error as LtError).code === 'CHECKPOINT_READ') return undefined;
    throw error;
  }
}

interface TrainIo {
  readonly evaluation: EvaluationOptions & { everyEpoch: boolean };
  readonly emit: (event: ProgressEvent) => void;
  readonly dir: RunDirectory | undefined;
  readonly topology: Record<string, unknown>;
  readonly resume: { history: EpochRecord[]; weights: tf.NamedTensorMap } | undefined;
  /** Keep a snapshot of the best-on-test epoch for the next stage. */
  readonly keepBest: boolean;
  readonly manifest: RunManifest;
}

async function trainStage(prepared: PreparedStage, io: TrainIo): Promise<{ report: StageReport; best?: BestSnapshot }> {
  const { context, hooks, model } = prepared;
  const settings = context.stage;
  const started = now();
  const optimizer = new Sgd(prepared.trainable, { momentum: settings.momentum, weightDecay: settings.weightDecay });
  const history: EpochRecord[] = [...(io.resume?.history ?? [])];
  if (io.resume) {
    assignWeights(modelVariables(model), io.resume.weights, io.dir!.checkpoint(settings.name));
    optimizer.load(io.resume.weights);
  }
  const startEpoch = history.length;
  let best: BestSnapshot | undefined;
  let bestTop1 = -Infinity;
  if (io.keepBest) {
    for (const row of history) if (row.test && row.test.top1 > bestTop1) bestTop1 = row.test.top1;
    best = (io.dir && startEpoch > 0 ? await BestSnapshot.read(io.dir.bestCheckpoint(settings.name)) : undefined) ?? new BestSnapshot();
  }
  if (prepared.useFeatureCache && startEpoch < settings.epochs) {
    prepared.featureCache = computeFeatureCache(model.backbone, context.dataset, io.evaluation.batchSize, context.rng.fork('feature-cache'));
  }
  // The first epoch's batches are drawn once, here, and both announced and trained on.
  const firstBatches = prepared.sampler.epoch(context.rng.fork('epoch', startEpoch));
  const stepsPerEpoch = firstBatches.length;
  io.emit({
    type: 'stage-start',
    stage: settings.name,
    epochs: settings.epochs,
    stepsPerEpoch,
    startEpoch,
    featureCache: prepared.featureCache !== undefined,
  });
  await hooks.stageStart.promise(context);
  let lastMetrics = undefined as EvalMetrics | undefined;
  for (let epoch = startEpoch; epoch < settings.epochs; epoch++) {
    const lr = prepared.schedule(epoch);
    await hooks.epochStart.promise(context, epoch);
    const batches = epoch === startEpoch ? firstBatches : prepared.sampler.epoch(context.rng.fork('epoch', epoch));
    const epochStarted = now();
    let lossSum = 0;
    let seen = 0;
    // Two batches ahead: decoding overlaps the step whenever it is the faster of the two.
    prefetchSteps(prepared, epoch, batches, 0, PREFETCH_STEPS + 1);
    for (const [step, indices] of batches.entries()) {
      const stepStarted = now();
      prefetchSteps(prepared, epoch, batches, step + PREFETCH_STEPS, 1);
      const lossTensor = tf.tidy(() => {
        const { loss, grads } = computeStep(prepared, { epoch, step, rng: stepRng(prepared, epoch, step) }, indices);
        optimizer.step(grads, lr);
        return loss;
      });
      const loss = (await lossTensor.data())[0];
      lossTensor.dispose();
      if (!Number.isFinite(loss)) {
        throw new LtError(
          'LOSS_NOT_FINITE',
          `stage '${settings.name}' epoch ${epoch} step ${step}: the loss is ${loss}. Lower the learning rate (now ${lr}).`,
        );
      }
      lossSum += loss * indices.length;
      seen += indices.length;
      io.emit({
        type: 'step',
        stage: settings.name,
        epoch,
        epochs: settings.epochs,
        step,
        steps: batches.length,
        loss,
        lr,
        imagesPerSecond: indices.length / Math.max(now() - stepStarted, 1e-9),
      });
      await hooks.afterStep.promise(context, { epoch, step, loss, lr });
    }
    const trainSeconds = now() - epochStarted;
    const last = epoch === settings.epochs - 1;
    const metrics = io.evaluation.everyEpoch || last ? await evaluate(model, context.dataset, io.evaluation) : undefined;
    lastMetrics = metrics ?? lastMetrics;
    const record: EpochRecord = {
      stage: settings.name,
      epoch,
      lr,
      trainLoss: lossSum / Math.max(seen, 1),
      seconds: trainSeconds,
      imagesPerSecond: seen / Math.max(trainSeconds, 1e-9),
      ...(metrics && {
        test: {
          top1: metrics.top1,
          top5: metrics.top5,
          many: metrics.manyMediumFew.many,
          medium: metrics.manyMediumFew.medium,
          few: metrics.manyMediumFew.few,
          perClass: metrics.perClass,
        },
      }),
    };
    history.push(record);
    await hooks.epochEnd.promise(context, { epoch, lr, trainLoss: record.trainLoss, metrics });
    if (best && metrics && metrics.top1 > bestTop1) {
      bestTop1 = metrics.top1;
      best.take(modelVariables(model), epoch);
      if (io.dir) await saveCheckpoint(io.dir.bestCheckpoint(settings.name), best.variables(), io.topology, { epoch });
    }
    if (io.dir) {
      await saveCheckpoint(
        io.dir.checkpoint(settings.name),
        [...modelVariables(model), ...optimizer.state()],
        { ...io.topology, head: model.head.config, headName: model.head.name, extras: Object.keys(model.extras) },
        { stage: settings.name, epoch, completed: last, history } satisfies StageCheckpointState,
      );
      await io.dir.appendMetrics(record);
    }
    io.emit({ type: 'epoch-end', epochs: settings.epochs, record });
  }
  await hooks.stageEnd.promise(context);
  optimizer.dispose();
  prepared.featureCache?.dispose();
  prepared.featureCache = undefined;
  // Undefined only when a resumed stage had no epoch left to train: score what was loaded.
  const final = lastMetrics ?? (await evaluate(model, context.dataset, io.evaluation));
  const report = await stageReport(settings.name, history, final, model, now() - started, io.manifest);
  io.emit({ type: 'stage-end', report });
  if (best !== undefined && best.epoch !== report.best.epoch) {
    // The last epoch is the best one (ties go to it, as in the report): the model already holds it.
    best.dispose();
    best = undefined;
  }
  return { report, best };
}

/**
 * Per-class L2 norms of the head as one dense layer (foldToDense): what `weightNorms()` reports for every head lt
 * ships, read back asynchronously, as the webgpu backend requires in Node. A head that cannot fold reports its own.
 */
async function headNorms(head: ClassifierHead): Promise<number[]> {
  if (head.foldToDense === undefined) return head.weightNorms();
  const fold = head.foldToDense();
  const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(fold.weight), 1)));
  tf.dispose([fold.weight, fold.bias]);
  const values = Array.from(await norms.data());
  norms.dispose();
  return values;
}

async function stageReport(
  name: string,
  history: EpochRecord[],
  final: EvalMetrics,
  model: ModelParts,
  seconds: number,
  manifest: RunManifest,
): Promise<StageReport> {
  let best = { epoch: history.length - 1, top1: final.top1, selectedOn: 'test' as const };
  for (const row of history) if (row.test && row.test.top1 > best.top1) best = { epoch: row.epoch, top1: row.test.top1, selectedOn: 'test' };
  const norms = await headNorms(model.head);
  const classes = final.perClass.map((accuracy, index) => ({
    index,
    name: manifest.classNames[index],
    trainCount: manifest.classCounts[index],
    accuracy,
    headNorm: norms[index],
  }));
  return { name, final, best, history, headNorms: norms, classes, seconds };
}

function buildManifest(
  config: ResolvedRunConfig,
  backend: BackendInfo,
  dataset: Dataset,
  evaluation: EvaluationOptions & { everyEpoch: boolean },
): RunManifest {
  return {
    lt: { version },
    createdAt: new Date().toISOString(),
    seed: config.seed,
    backend,
    tfjs: tf.version_core,
    node: process.version,
    dataset: { name: config.dataset.name, options: config.dataset.options },
    model: { name: config.model.name, options: config.model.options },
    split: dataset.manifest,
    info: dataset.info,
    classCounts: dataset.classCounts,
    classNames: dataset.info.classNames ?? dataset.classCounts.map((_, k) => String(k)),
    stages: config.stages.map(({ plugins, ...stage }) => ({
      ...stage,
      plugins: plugins.map((p) => ({ name: p.name, options: p.options })),
    })),
    evaluation,
  };
}

