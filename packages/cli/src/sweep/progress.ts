import type { SweepUnit } from './plan.js';
import type { UnitMessage } from './childRunner.js';

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

/** Per-unit progress lines and an overall ETA from the seconds per epoch seen so far for each stage. */
export class SweepProgress {
  private readonly epochsDone = new Map<string, Map<string, number>>();
  private readonly perEpoch = new Map<string, { seconds: number; count: number }>();
  private readonly finished = new Set<string>();

  constructor(
    private readonly units: readonly SweepUnit[],
    private readonly unitsById: ReadonlyMap<string, SweepUnit>,
    private readonly lanes: number,
    private readonly write: (line: string) => void,
  ) {}

  /** The stages a unit trains itself (not the ones it takes from its parent). */
  private ownStages(unit: SweepUnit) {
    const inherited = unit.parent === undefined ? 0 : this.unitsById.get(unit.parent)!.config.stages!.length;
    return unit.config.stages!.slice(inherited);
  }

  /** Seconds of training left, spread over the lanes (a stage not seen yet counts at the mean epoch time); undefined before any epoch. */
  eta(): number | undefined {
    const rates = [...this.perEpoch.values()];
    if (rates.length === 0) return undefined;
    const fallback = { seconds: rates.reduce((a, r) => a + r.seconds / r.count, 0), count: rates.length };
    let seconds = 0;
    for (const unit of this.units) {
      if (this.finished.has(unit.id)) continue;
      for (const stage of this.ownStages(unit)) {
        const rate = this.perEpoch.get(stage.name) ?? fallback;
        const left = stage.epochs - (this.epochsDone.get(unit.id)?.get(stage.name) ?? 0);
        seconds += left * (rate.seconds / rate.count);
      }
    }
    return seconds / this.lanes;
  }

  private status(): string {
    const eta = this.eta();
    return `${this.finished.size}/${this.units.length} done · ETA ${eta === undefined ? '…' : clock(eta)}`;
  }

  /** Records a unit as finished (trained, or found finished on disk). */
  finish(unit: SweepUnit, note: string): void {
    this.finished.add(unit.id);
    this.write(`${unit.id}: ${note} · ${this.status()}`);
  }

  /** Handles a message from a unit's process (or its queue job's progress). */
  handle(unit: SweepUnit, message: UnitMessage): void {
    if (message.type === 'stage') {
      const done = this.epochsDone.get(unit.id) ?? new Map<string, number>();
      done.set(message.stage, message.startEpoch);
      this.epochsDone.set(unit.id, done);
      this.write(`${unit.id}: stage ${message.stage} (${message.epochs} epochs${message.startEpoch > 0 ? `, resuming at ${message.startEpoch + 1}` : ''})`);
    } else if (message.type === 'epoch') {
      const done = this.epochsDone.get(unit.id) ?? new Map<string, number>();
      done.set(message.stage, message.epoch + 1);
      this.epochsDone.set(unit.id, done);
      const rate = this.perEpoch.get(message.stage) ?? { seconds: 0, count: 0 };
      this.perEpoch.set(message.stage, { seconds: rate.seconds + message.seconds, count: rate.count + 1 });
      const top1 = message.top1 === undefined ? '' : ` · top-1 ${(100 * message.top1).toFixed(2)}%`;
      this.write(`${unit.id}: ${message.stage} epoch ${message.epoch + 1}/${message.epochs} ${message.seconds.toFixed(1)}s${top1} · ${this.status()}`);
    } else if (message.type === 'warning') {
      this.write(`${unit.id}: warning: ${message.message}`);
    }
  }
}
