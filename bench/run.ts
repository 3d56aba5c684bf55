// `pnpm bench`: images/s of training steps per backend (median after warm-up, each in its own process) and peak
// RSS; prints a table and writes bench/results/latest.json. It measures; it asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Row {
  name: string;
  backend: string;
  threads: number;
  imagesPerSecond: number;
  medianStepMs: number;
  peakRssMB: number;
  steps: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const plan: Array<{ name: string; backend: string; steps: number }> = [];
for (const backend of ['wasm', 'cpu']) {
  for (const name of ['resnet32-train-b64', 'cnn-train-b128', 'linear-train-b512']) {
    if (only.length > 0 && !only.some((o) => name.includes(o) || backend === o)) continue;
    plan.push({ name, backend, steps: 10 });
  }
}

const rows: Row[] = [];
for (const { name, backend, steps } of plan) {
  process.stderr.write(`bench ${name} on ${backend} …\n`);
  const out = execFileSync(process.execPath, ['--import', 'tsx', `${here}step.ts`, '--name', name, '--backend', backend, '--steps', String(steps)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  rows.push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Row);
}

const header = ['name', 'backend', 'threads', 'img/s', 'median step ms', 'peak RSS MB'];
const table = rows.map((r) => [r.name, r.backend, String(r.threads), r.imagesPerSecond.toFixed(1), r.medianStepMs.toFixed(1), r.peakRssMB.toFixed(0)]);
const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)].join('\n'));
mkdirSync(`${here}results`, { recursive: true });
writeFileSync(
  `${here}results/latest.json`,
  `${JSON.stringify(rows.map(({ name, backend, threads, imagesPerSecond, peakRssMB }) => ({ name, backend, threads, imagesPerSecond, peakRssMB })), null, 2)}\n`,
);
