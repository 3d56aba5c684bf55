// End to end: a local sweep, the same sweep on two BullMQ workers (one SIGKILLed mid-cell), lt compare, and both
// report pages in headless chromium. Tiny MNIST-LT and an MLP on the cpu backend keep it to about a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { RunReport } from '@lt/core';
import { sweep } from './sweepCommand.js';
import { train } from '../train.js';
import { compare } from '../compare/compare.js';
import { queueName, redisConnection } from './redis.js';
import { startChromium } from '../../../../test/support/browser.js';
import { freePort, startRedis } from '../../../../test/support/redis.js';
import { idxBytes } from '../../../data/src/testFiles.fixture.js';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const exists = (path: string) => access(path).then(() => true, () => false);
const readReport = async (dir: string) => JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as RunReport;
const results = (report: RunReport) => report.stages.map((s) => ({ name: s.name, final: s.final, tests: s.history.map((h) => h.test) }));

function sink() {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

/** IDX files of 8×8 images: class c lights pixel row c (and its neighbour) over seeded noise, so an MLP learns it. */
async function writeTinyMnist(dir: string): Promise<void> {
  const set = async (prefix: string, perClass: number, salt: number) => {
    const count = 10 * perClass;
    const labels = Array.from({ length: count }, (_, i) => i % 10);
    const pixels = labels.flatMap((c, i) =>
      Array.from({ length: 64 }, (_, p) => (Math.floor(p / 8) === (c % 8) || (c >= 8 && p % 8 === c - 8) ? 200 : 0) + ((p * 31 + i * 17 + salt) % 50)),
    );
    await writeFile(join(dir, `${prefix}-images-idx3-ubyte`), idxBytes([count, 8, 8], pixels));
    await writeFile(join(dir, `${prefix}-labels-idx1-ubyte`), idxBytes([count], labels));
  };
  await mkdir(dir, { recursive: true });
  await set('train', 60, 0);
  await set('t10k', 20, 7);
}

const sweepYaml = (dataDir: string) => `
base:
  dataset: { name: mnist, imbalance: 10, maxCount: 60, dataDir: ${dataDir} }
  model: { name: mlp }
  backend: cpu
  evaluation: { everyEpoch: false }
  stages:
    - { name: representation, epochs: 40, batchSize: 16, lr: 0.05, plugins: [ce] }
    - { name: classifier, epochs: 2, batchSize: 16, lr: 0.01, weightDecay: 0, freeze: backbone, plugins: [ce] }
grid:
  stages.1.plugins: [[ce], [ce, samn]]
  stages.1.lr: [0.01, 0.1]
`;

let root: string;
let redis: ChildProcess;
let url: string;
const workers: Array<{ process: ChildProcess; output: () => string }> = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lt-sweep-'));
  await writeTinyMnist(join(root, 'mnist'));
  await writeFile(join(root, 'sweep.yaml'), sweepYaml(join(root, 'mnist')));
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = await startRedis(port);
});

afterAll(async () => {
  for (const w of workers) w.process.kill('SIGKILL');
  redis?.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

function startWorker(): { process: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/bin.ts', 'worker', '--queue', url, '--stalled-interval', '2000'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const worker = { process: child, output: () => output };
  workers.push(worker);
  return worker;
}

describe('lt sweep', { timeout: 300_000 }, () => {
  it('runs a grid locally, training the shared stage 1 once; a cell equals its unshared run; a re-run skips every cell', async () => {
    const out = sink();
    const err = sink();
    const dir = join(root, 'local');
    expect(await sweep(['--config', join(root, 'sweep.yaml'), '--out', dir], out.stream, err.stream)).toBe(0);
    expect(err.text()).toMatch(/4 cells, 1 shared prefix; 5 unit\(s\) to train/);
    expect(err.text()).toMatch(/representation epoch 40\/40 .* ETA \d+m\d\ds/);
    const [prefix] = await readdir(join(dir, '_shared'));
    const shared = await readReport(join(dir, '_shared', prefix));
    const cells = (await readdir(dir)).filter((name) => name.startsWith('stages.1.plugins='));
    expect(cells).toHaveLength(4);
    for (const cell of cells) {
      const report = await readReport(join(dir, cell));
      expect(report.stages.map((s) => s.name)).toEqual(['representation', 'classifier']);
      expect(report.stages[0].final).toEqual(shared.stages[0].final);
      const rows = (await readFile(join(dir, cell, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(rows.map((r) => `${r.stage}:${r.epoch}`)).toEqual([...Array.from({ length: 40 }, (_, e) => `representation:${e}`), 'classifier:0', 'classifier:1']);
    }
    // The same cell trained from scratch by lt train, without the shared prefix: the same numbers.
    const cell = join(dir, cells.find((c) => c.includes('samn') && c.endsWith('lr=0.1'))!);
    const plain = join(root, 'plain');
    expect(await train(['--config', join(cell, 'lt.config.json'), '--out', plain], sink().stream, sink().stream)).toBe(0);
    expect(results(await readReport(cell))).toEqual(results(await readReport(plain)));
    expect(out.text()).toMatch(/ce\+samn\s+stages\.1\.lr=0\.1\s+1\s+\d+\.\d\d ± 0\.00/);

    const before = (await stat(join(cell, 'metrics.json'))).mtimeMs;
    const again = sink();
    expect(await sweep(['--config', join(root, 'sweep.yaml'), '--out', dir], sink().stream, again.stream)).toBe(0);
    expect(again.text()).toMatch(/0 unit\(s\) to train/);
    expect(again.text().match(/already finished/g)).toHaveLength(5);
    expect((await stat(join(cell, 'metrics.json'))).mtimeMs).toBe(before);
  });

  it('writes compare.json, and compare.html and report.html render in chromium with every chart drawn', async () => {
    const dir = join(root, 'local');
    expect(await compare([dir], sink().stream)).toBe(0);
    const summary = JSON.parse(await readFile(join(dir, 'compare.json'), 'utf8'));
    expect(summary.groups).toHaveLength(4);
    expect(summary.spreads.map((s: { method: string }) => s.method)).toEqual(['ce', 'ce+samn']);
    const chromium = await startChromium();
    try {
      const cell = (await readdir(dir)).find((name) => name.startsWith('stages.1.plugins='))!;
      for (const page of [join(dir, 'compare.html'), join(dir, cell, 'report.html')]) {
        const tab = await chromium.browser.newPage();
        const errors: string[] = [];
        tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        tab.on('pageerror', (e) => errors.push(String(e)));
        await tab.goto(`file://${page}`, { waitUntil: 'load' });
        const marks = await tab.$$eval('svg', (svgs) =>
          svgs.map((svg) => [...svg.querySelectorAll('polyline')].filter((p) => (p.getAttribute('points') ?? '').trim() !== '').length + svg.querySelectorAll('circle').length),
        );
        expect(errors).toEqual([]);
        expect(marks.length).toBeGreaterThanOrEqual(page.endsWith('compare.html') ? 2 : 3);
        expect(marks.every((n) => n > 0)).toBe(true);
        if (page.endsWith('compare.html')) expect(await tab.$$eval('polygon.band', (b) => b.length)).toBeGreaterThan(0);
        if (process.env.LT_SCREENSHOTS) await tab.screenshot({ path: join(process.env.LT_SCREENSHOTS, page.endsWith('compare.html') ? 'compare.png' : 'report.png'), fullPage: true });
        await tab.close();
      }
    } finally {
      await chromium.close();
    }
  });

  it('runs the grid on two workers through Redis, survives a SIGKILLed worker mid-cell, and ends with the local metrics', async () => {
    const [a, b] = [startWorker(), startWorker()];
    const dir = join(root, 'queued');
    const err = sink();
    const running = sweep(['--config', join(root, 'sweep.yaml'), '--out', dir, '--queue', url], sink().stream, err.stream);
    // Kill the worker training the shared stage 1 once it has checkpointed an epoch and not finished.
    let killed: ChildProcess | undefined;
    while (killed === undefined) {
      const prefixes = (await exists(join(dir, '_shared'))) ? await readdir(join(dir, '_shared')) : [];
      const prefix = prefixes[0] === undefined ? undefined : join(dir, '_shared', prefixes[0]);
      if (prefix !== undefined && (await exists(join(prefix, 'checkpoints', 'representation'))) && !(await exists(join(prefix, 'metrics.json')))) {
        killed = [a, b].find((w) => w.output().includes(prefix))?.process;
        killed?.kill('SIGKILL');
      }
      await new Promise((ok) => setTimeout(ok, 20));
    }
    expect(await running).toBe(0);
    const survivor = [a, b].find((w) => w.process !== killed)!;
    expect(survivor.output()).toMatch(/: stage representation resumes at epoch ([2-9]|\d\d)\n/);
    const local = join(root, 'local');
    for (const cell of (await readdir(local)).filter((name) => name.startsWith('stages.1.plugins='))) {
      expect(results(await readReport(join(dir, cell)))).toEqual(results(await readReport(join(local, cell))));
    }
  });

  it('fails a queued cell with a bad config once, with its error', async () => {
    if (workers.every((w) => w.process.exitCode !== null || w.process.signalCode !== null)) startWorker();
    await writeFile(join(root, 'bad.yaml'), sweepYaml(join(root, 'no-mnist-here')).replace('[[ce], [ce, samn]]', '[[ce]]').replace('[0.01, 0.1]', '[0.01]'));
    const err = sink();
    expect(await sweep(['--config', join(root, 'bad.yaml'), '--out', join(root, 'bad'), '--queue', url], sink().stream, err.stream)).toBe(1);
    expect(err.text()).toMatch(/failed: stages\.1\.plugins=.*no-mnist-here/);
    const queue = new Queue(queueName, { connection: redisConnection(url) });
    try {
      const failed = await queue.getFailed();
      expect(failed).toHaveLength(1);
      expect(failed[0].attemptsMade).toBe(1);
      expect(failed[0].failedReason).toMatch(/no-mnist-here/);
    } finally {
      await queue.close();
    }
  });
});
