// `pnpm bench [filter…] [--quick]`: training throughput and peak RSS, each workload in its own process (so the
// peak RSS is that workload's alone), medians after warm-up. Prints a table and writes bench/results/latest.json.
// It measures; it asserts nothing. --quick skips the ResNet-32 step on the cpu backend (about 8 minutes).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Row {
  name: string;
  backend: string;
  threads: number;
  imagesPerSecond: number | null;
  peakRssMB: number;
  medianStepMs?: number;
  epochSeconds?: number;
  setupSeconds?: number;
  wallSeconds?: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('-'));
const tsx = (script: string, ...rest: string[]) => [process.execPath, ['--import', 'tsx', `${here}${script}`, ...rest]] as const;

const plan: Array<{ label: string; command: readonly [string, readonly string[]] }> = [];
for (const backend of ['wasm', 'cpu']) {
  for (const name of ['resnet32-train-b64', 'cnn-train-b128', 'linear-train-b512']) {
    if (quick && backend === 'cpu' && name.startsWith('resnet')) continue;
    plan.push({ label: `${name} on ${backend}`, command: tsx('step.ts', '--name', name, '--backend', backend) });
  }
}
plan.push({ label: 'resnet32-train-b64 on wasm, 1 thread', command: tsx('step.ts', '--name', 'resnet32-train-b64', '--backend', 'wasm', '--threads', '1') });
plan.push({ label: 'resnet32-glmc-train-b64 on wasm', command: tsx('step.ts', '--name', 'resnet32-glmc-train-b64', '--backend', 'wasm') });
for (const name of ['resnet50-train-b8-112', 'resnext50-train-b8-112', 'resnext50-train-b4-224']) {
  // Seconds per step: a few steps are enough for a median.
  plan.push({ label: `${name} on wasm`, command: tsx('step.ts', '--name', name, '--backend', 'wasm', '--steps', '3', '--warmup', '1') });
}
plan.push({ label: 'stage-2 epoch, recomputing the backbone', command: tsx('stage2.ts', '--cache', 'off') });
plan.push({ label: 'stage-2 epoch, feature cache', command: tsx('stage2.ts', '--cache', 'on') });
plan.push({ label: 'default lt train', command: tsx('ltTrain.ts') });
const hasTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (hasTorch) {
  for (const threads of ['2', '1']) {
    plan.push({ label: `PyTorch reference, ${threads} thread(s)`, command: ['/usr/bin/python3', [`${here}torch_reference.py`, threads]] });
  }
  for (const name of ['resnext50-train-b8-112', 'resnext50-train-b4-224']) {
    plan.push({ label: `PyTorch ${name}`, command: ['/usr/bin/python3', [`${here}torch_reference.py`, '2', name]] });
  }
} else {
  process.stderr.write('PyTorch not found (/usr/bin/python3 -c "import torch"): no reference rows; apt-get install python3-torch\n');
}

const rows: Row[] = [];
for (const { label, command } of plan) {
  if (filters.length > 0 && !filters.some((f) => label.includes(f))) continue;
  process.stderr.write(`bench: ${label} …\n`);
  const out = execFileSync(command[0], command[1], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  rows.push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Row);
}

/** Throughput relative to PyTorch's 2-thread row of the same workload, when there is one. */
function versusTorch(row: Row): string {
  const torch = rows.find((r) => r.backend.startsWith('pytorch') && r.threads === 2 && r.name === row.name);
  return torch?.imagesPerSecond && row.imagesPerSecond ? `${(row.imagesPerSecond / torch.imagesPerSecond).toFixed(2)}×` : '';
}
const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '' : v.toFixed(digits));
const header = ['name', 'backend', 'threads', 'img/s', 'vs PyTorch', 'step ms / epoch s / wall s', 'peak RSS MB'];
const table = rows.map((r) => [
  r.name,
  r.backend,
  String(r.threads),
  fmt(r.imagesPerSecond),
  versusTorch(r),
  fmt(r.medianStepMs ?? r.epochSeconds ?? r.wallSeconds, r.medianStepMs !== undefined ? 0 : 2),
  fmt(r.peakRssMB, 0),
]);
const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)].join('\n'));
const recompute = rows.find((r) => r.name === 'stage2-epoch-recompute');
const cached = rows.find((r) => r.name === 'stage2-epoch-cache');
if (recompute?.epochSeconds && cached?.epochSeconds) {
  console.log(`stage-2 epoch: feature cache ${(recompute.epochSeconds / cached.epochSeconds).toFixed(1)}× faster than recomputing`);
}
mkdirSync(`${here}results`, { recursive: true });
writeFileSync(`${here}results/latest.json`, `${JSON.stringify(rows, null, 2)}\n`);
