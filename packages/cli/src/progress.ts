import type { BackendInfo, ImageSplitInfo, ProgressEvent, RunManifest } from '@lt/core';

const BAR_WIDTH = 24;
/** Steps timed (after the first, which pays for warm-up) before a CPU backend's estimate is printed. */
const MEASURED_STEPS = 5;
/** Skipped images listed by name at run start (all are in manifest.json). */
const LISTED_SKIPS = 10;

const duration = (seconds: number): string =>
  seconds < 90 ? `${seconds.toFixed(0)} s` : seconds < 90 * 60 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`;

/** The backend as the start line shows it: its threads, or its GPU adapter on webgpu. */
function backendLabel(backend: BackendInfo): string {
  if (backend.adapter !== undefined) {
    const { vendor, architecture, software } = backend.adapter;
    return `${backend.name} (${vendor} ${architecture}, ${software ? 'software' : 'hardware'} adapter)`;
  }
  return `${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'})`;
}

/** Renders progress events: a live bar per epoch on a terminal, one line per epoch otherwise. */
export class ProgressPrinter {
  private rate = 0;
  private manifest: RunManifest | undefined;
  private stage = { index: -1, startEpoch: 0, firstStepAt: 0 };

  constructor(
    private readonly out: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): boolean },
    private readonly clock: () => number = () => performance.now() / 1000,
  ) {}

  /** On a CPU backend, the time of an epoch, the stage and the run, from the first steps of the stage. */
  private estimate(event: Extract<ProgressEvent, { type: 'step' }>): void {
    const manifest = this.manifest;
    if (manifest === undefined || manifest.backend.name === 'tensorflow' || event.epoch !== this.stage.startEpoch) return;
    if (event.step === 0) this.stage.firstStepAt = this.clock();
    if (event.step !== MEASURED_STEPS) return;
    const perStep = (this.clock() - this.stage.firstStepAt) / MEASURED_STEPS;
    const epoch = perStep * event.steps;
    const stage = epoch * (event.epochs - this.stage.startEpoch);
    // Later stages at this stage's speed per image: an upper bound when they train a frozen backbone.
    const perImage = perStep / Number(manifest.stages[this.stage.index]?.batchSize ?? 1);
    const trainImages = manifest.classCounts.reduce((a, b) => a + b, 0);
    const later = manifest.stages.slice(this.stage.index + 1).reduce((total, s) => total + Number(s.epochs) * trainImages * perImage, 0);
    this.out.write(
      `${this.out.isTTY ? '\r' : ''}  estimate: epoch ≈ ${duration(epoch)}, stage ≈ ${duration(stage)}, run ≈ ${duration(stage + later)} ` +
        `on backend ${manifest.backend.name} (from steps 2–${MEASURED_STEPS + 1}); Ctrl-C to stop${this.out.isTTY ? '\x1b[K' : ''}\n`,
    );
  }

  private skipped(images: ImageSplitInfo | undefined): void {
    if (images === undefined || images.skipped.length === 0) return;
    this.out.write(`skipped ${images.skipped.length} image${images.skipped.length === 1 ? '' : 's'} that could not be decoded (onCorrupt: 'skip'; all listed in manifest.json):\n`);
    for (const skip of images.skipped.slice(0, LISTED_SKIPS)) this.out.write(`  ${skip.origin}: ${skip.path}: ${skip.reason}\n`);
    if (images.skipped.length > LISTED_SKIPS) this.out.write(`  … and ${images.skipped.length - LISTED_SKIPS} more\n`);
  }

  /** Handles one event from `Run.start`. */
  readonly handle = (event: ProgressEvent): void => {
    switch (event.type) {
      case 'run-start': {
        const m = event.manifest;
        this.out.write(
          `lt ${m.lt.version} · backend ${backendLabel(m.backend)} · ` +
            `${m.dataset.name} · ${m.model.name} · seed ${m.seed}\n` +
            `class counts: [${m.classCounts.length > 20 ? `${m.classCounts.length} classes, ${Math.max(...m.classCounts)} to ${Math.min(...m.classCounts)} images` : m.classCounts.join(', ')}]\n`,
        );
        this.manifest = m;
        this.skipped((m.split as { images?: ImageSplitInfo } | undefined)?.images);
        break;
      }
      case 'stage-start':
        this.rate = 0;
        this.stage = { index: this.stage.index + 1, startEpoch: event.startEpoch, firstStepAt: 0 };
        this.out.write(`stage ${event.stage}: ${event.epochs} epochs × ${event.stepsPerEpoch} steps` +
          (event.startEpoch > 0 ? ` (resuming at epoch ${event.startEpoch + 1})` : '') +
          (event.featureCache ? ', on cached backbone features' : '') + '\n');
        break;
      case 'stage-skipped':
        this.stage = { index: this.stage.index + 1, startEpoch: 0, firstStepAt: 0 };
        this.out.write(`stage ${event.stage}: skipped, ${event.reason}\n`);
        break;
      case 'step': {
        this.rate = this.rate === 0 ? event.imagesPerSecond : 0.9 * this.rate + 0.1 * event.imagesPerSecond;
        this.estimate(event);
        if (!this.out.isTTY) break;
        const done = Math.round(((event.step + 1) / event.steps) * BAR_WIDTH);
        this.out.write(
          `\r  epoch ${event.epoch + 1}/${event.epochs} [${'#'.repeat(done)}${'-'.repeat(BAR_WIDTH - done)}] ` +
            `${event.step + 1}/${event.steps} loss ${event.loss.toFixed(4)} lr ${event.lr.toExponential(2)} ` +
            `${Math.round(this.rate)} img/s\x1b[K`,
        );
        break;
      }
      case 'epoch-end': {
        const r = event.record;
        const test = r.test ? ` · test top-1 ${(100 * r.test.top1).toFixed(2)}%` : '';
        this.out.write(
          `${this.out.isTTY ? '\r' : ''}  epoch ${r.epoch + 1}/${event.epochs} loss ${r.trainLoss.toFixed(4)} ` +
            `lr ${r.lr.toExponential(2)} ${Math.round(r.imagesPerSecond)} img/s ${r.seconds.toFixed(1)}s${test}` +
            `${this.out.isTTY ? '\x1b[K' : ''}\n`,
        );
        break;
      }
      case 'stage-end':
        break;
    }
  };
}
