// Runs the default `lt train` (no arguments but --out) in this process and prints its wall time and peak RSS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { train } from '@lt/cli';

const dir = mkdtempSync(join(tmpdir(), 'lt-bench-train-'));
const quiet = Object.assign(new Writable({ write: (_chunk, _enc, done) => done() }), { isTTY: false }) as unknown as NodeJS.WriteStream;
const started = performance.now();
await train(['--out', join(dir, 'run')], quiet, quiet);
const wallSeconds = (performance.now() - started) / 1000;
const metrics = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    name: 'lt-train-default',
    backend: metrics.manifest.backend.name,
    threads: metrics.manifest.backend.threads,
    imagesPerSecond: null,
    wallSeconds,
    top1: metrics.stages.map((s: { final: { top1: number } }) => s.final.top1),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
