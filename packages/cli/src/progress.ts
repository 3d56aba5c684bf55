import type { ProgressEvent } from '@lt/core';

const BAR_WIDTH = 24;

/** Renders progress events: a live bar per epoch on a terminal, one line per epoch otherwise. */
export class ProgressPrinter {
  private rate = 0;

  constructor(
    private readonly out: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): boolean },
  ) {}

  /** Handles one event from `Run.start`. */
  readonly handle = (event: ProgressEvent): void => {
    switch (event.type) {
      case 'run-start': {
        const m = event.manifest;
        this.out.write(
          `lt ${m.lt.version} · backend ${m.backend.name} (${m.backend.threads} thread${m.backend.threads === 1 ? '' : 's'}) · ` +
            `${m.dataset.name} · ${m.model.name} · seed ${m.seed}\n` +
            `class counts: [${m.classCounts.join(', ')}]\n`,
        );
        break;
      }
      case 'stage-start':
        this.rate = 0;
        this.out.write(`stage ${event.stage}: ${event.epochs} epochs × ${event.stepsPerEpoch} steps` +
          (event.startEpoch > 0 ? ` (resuming at epoch ${event.startEpoch + 1})` : '') +
          (event.featureCache ? ', on cached backbone features' : '') + '\n');
        break;
      case 'stage-skipped':
        this.out.write(`stage ${event.stage}: skipped, ${event.reason}\n`);
        break;
      case 'step': {
        this.rate = this.rate === 0 ? event.imagesPerSecond : 0.9 * this.rate + 0.1 * event.imagesPerSecond;
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
