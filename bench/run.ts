// `pnpm bench [filter…] [--quick] [--rounds N]` (and `pnpm bench --backend webgpu …`: the GPU table, bench/gpu.ts): training throughput and peak RSS, each workload in its own process
// (so the peak RSS is that workload's alone), medians after warm-up. Prints a table, the issue targets as ratios, and
// writes bench/results/latest.json. It measures; it asserts nothing. --quick skips the ResNet-32 step on the cpu
// backend (about 8 minutes). --rounds N runs the whole selection N times, interleaved (lt, then PyTorch, then lt
// again…), and keeps each row's median: on a busy machine the ratios then compare like with like.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resnet32StepGflop } from './flops.js';

interface Row {
  name: string;
  gflops?: number;
  backend: string;
  threads: number;
  imagesPerSecond: number | null;
  peakRssMB: number;
  medianStepMs?: number;
  epochSeconds?: number;
  setupSeconds?: number;
  wallSeconds?: number;
  epochOverSteps?: number;
  trainOverSteps?: number;
  evalImagesPerSecond?: number;
  trainImagesPerSecond?: number;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 1;
const filters = args.filter((a, i) => !a.startsWith('-') && (roundsAt < 0 || i !== roundsAt + 1));
const tsx = (script: string, ...rest: string[]) => [process.execPath, ['--import', 'tsx', `${here}${script}`, ...rest]] as const;

// The GPU table is its own program (one process, bundled as it is for a GPU machine).
const backendAt = args.indexOf('--backend');
if (backendAt >= 0 && args[backendAt + 1] === 'webgpu') {
  const [node, gpuArgs] = tsx('gpu.ts', ...args);
  execFileSync(node, gpuArgs, { stdio: 'inherit' });
  process.exit(0);
}

// The thread counts every lt-vs-PyTorch row is measured at: 1, 2 and every core of this machine.
const threadCounts = [...new Set([1, 2, availableParallelism()])].sort((a, b) => a - b);
const plan: Array<{ label: string; command: readonly [string, readonly string[]] }> = [];
for (const threads of threadCounts) {
  for (const name of ['resnet32-train-b64', 'resnet32-eval-b128']) {
    plan.push({ label: `${name} on wasm, ${threads} thread(s)`, command: tsx('step.ts', '--name', name, '--backend', 'wasm', '--threads', String(threads)) });
  }
}
for (const backend of ['wasm', 'cpu']) {
  for (const name of ['resnet32-train-b64', 'cnn-train-b128', 'linear-train-b512']) {
    if (quick && backend === 'cpu' && name.startsWith('resnet')) continue;
    // ResNet-32 on wasm has its per-thread-count rows above.
    if (backend === 'wasm' && name.startsWith('resnet')) continue;
    plan.push({ label: `${name} on ${backend}`, command: tsx('step.ts', '--name', name, '--backend', backend) });
  }
}
plan.push({ label: 'resnet32-glmc-train-b64 on wasm', command: tsx('step.ts', '--name', 'resnet32-glmc-train-b64', '--backend', 'wasm') });
plan.push({ label: 'stage-2 epoch, reference (BatchNorm recalibrating, augmentation)', command: tsx('stage2.ts', '--reference') });
plan.push({ label: 'CIFAR-10-LT-shaped epoch end to end', command: tsx('epoch.ts') });
for (const name of ['resnet50-train-b8-112', 'resnext50-train-b8-112', 'resnext50-train-b4-224']) {
  // Seconds per step: a few steps are enough for a median.
  plan.push({ label: `${name} on wasm`, command: tsx('step.ts', '--name', name, '--backend', 'wasm', '--steps', '3', '--warmup', '1') });
}
plan.push({ label: 'stage-2 epoch, recomputing the backbone', command: tsx('stage2.ts', '--cache', 'off') });
plan.push({ label: 'stage-2 epoch, feature cache', command: tsx('stage2.ts', '--cache', 'on') });
plan.push({ label: 'default lt train', command: tsx('ltTrain.ts') });
for (const size of ['224', '64']) {
  for (const cache of ['off', 'on']) {
    for (const workers of ['1', 'all']) {
      plan.push({
        label: `image pipeline ${size} px, ${workers === '1' ? '1 worker' : 'all cores'}, ${cache === 'on' ? 'decoded cache' : 'from JPEG'}`,
        command: tsx('imagePipeline.ts', '--size', size, '--workers', workers, '--cache', cache),
      });
    }
  }
}
const hasCompiler = (name: string) => {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
for (const [target, compiler] of [['wasm', 'clang'], ['native', 'gcc']] as const) {
  if (!hasCompiler(compiler)) {
    process.stderr.write(`${compiler} not found: no ${target} ceiling row\n`);
    continue;
  }
  for (const threads of ['2', '1']) {
    plan.push({ label: `ceiling ${target}, ${threads} thread(s)`, command: tsx('ceiling.ts', '--target', target, '--threads', threads) });
  }
}
const hasTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (hasTorch) {
  for (const threads of threadCounts) {
    for (const name of ['resnet32-train-b64', 'resnet32-eval-b128']) {
      plan.push({ label: `PyTorch ${name}, ${threads} thread(s)`, command: ['/usr/bin/python3', [`${here}torch_reference.py`, String(threads), name]] });
    }
  }
  for (const name of ['resnext50-train-b8-112', 'resnext50-train-b4-224']) {
    plan.push({ label: `PyTorch ${name}`, command: ['/usr/bin/python3', [`${here}torch_reference.py`, '2', name]] });
  }
} else {
  process.stderr.write('PyTorch not found (/usr/bin/python3 -c "import torch"): no reference rows; apt-get install python3-torch\n');
}

const selected = plan.filter(({ label }) => filters.length === 0 || filters.some((f) => label.includes(f)));
const runs = new Map<string, Row[]>();
for (let round = 0; round < rounds; round++) {
  for (const { label, command } of selected) {
    process.stderr.write(`bench: ${label}${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ''} …\n`);
    const out = execFileSync(command[0], command[1], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    runs.set(label, [...(runs.get(label) ?? []), JSON.parse(out.trim().split('\n').pop() ?? '{}') as Row]);
  }
}
// Each row's median run by speed (images/s, or the shortest wall time).
const speed = (r: Row) => r.imagesPerSecond ?? r.gflops ?? -(r.wallSeconds ?? 0);
const rows: Row[] = [...runs.values()].map((list) => [...list].sort((a, b) => speed(a) - speed(b))[Math.floor(list.length / 2)]);

const torchRow = (threads: number, name = 'resnet32-train-b64') => rows.find((r) => r.backend.startsWith('pytorch') && r.threads === threads && r.name === name);
const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '' : v.toFixed(digits));
const header = ['name', 'backend', 'threads', 'img/s', 'vs PyTorch (same threads)', 'step ms / epoch s / wall s', 'peak RSS MB'];
const table = rows.map((r) => [
  r.name,
  r.backend,
  String(r.threads),
  r.gflops === undefined ? fmt(r.imagesPerSecond) : `${fmt(r.gflops)} GFLOP/s`,
  ratioTo(r, torchRow(r.threads, r.name)),
  fmt(r.medianStepMs ?? r.epochSeconds ?? r.wallSeconds, r.medianStepMs !== undefined ? 0 : 2),
  fmt(r.peakRssMB, 0),
]);
function ratioTo(r: Row, torch: Row | undefined): string {
  return torch && r.imagesPerSecond ? `${(r.imagesPerSecond / (torch.imagesPerSecond ?? 1)).toFixed(2)}×` : '';
}
const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)].join('\n'));
const recompute = rows.find((r) => r.name === 'stage2-epoch-recompute');
const cached = rows.find((r) => r.name === 'stage2-epoch-cache');
if (recompute?.epochSeconds && cached?.epochSeconds) {
  console.log(`stage-2 epoch: feature cache ${(recompute.epochSeconds / cached.epochSeconds).toFixed(1)}× faster than recomputing`);
}
// The issue's targets as ratios of rows measured in this run (nothing is asserted).
const find = (name: string, threads?: number) => rows.find((r) => r.name === name && !r.backend.startsWith('pytorch') && r.backend !== 'cpu' && (threads === undefined || r.threads === threads));
const x = (a: number | null | undefined, b: number | null | undefined) => (a && b ? (a / b).toFixed(2) : '?');
const step2 = find('resnet32-train-b64', 2) ?? find('resnet32-train-b64');
const step1 = find('resnet32-train-b64', 1);
const targets: string[] = [];
if (step2 && torchRow(2)) targets.push(`ResNet-32 step, ${step2.threads} thread(s): ${x(step2.imagesPerSecond, torchRow(2)?.imagesPerSecond)}× PyTorch's images/s (target ≥ 0.5); peak RSS ${x(step2.peakRssMB, torchRow(2)?.peakRssMB)}× PyTorch's (target ≤ 1)`);
if (step1 && torchRow(1)) targets.push(`ResNet-32 step, 1 thread: ${x(step1.imagesPerSecond, torchRow(1)?.imagesPerSecond)}× PyTorch's 1 thread (target ≥ 0.5)`);
const evalRow = find('resnet32-eval-b128', 2) ?? find('resnet32-eval-b128');
const torchEval = torchRow(2, 'resnet32-eval-b128');
if (evalRow && step2) {
  const torchRatio = torchEval && torchRow(2) ? `; PyTorch's own: ${x(torchEval.imagesPerSecond, torchRow(2)?.imagesPerSecond)}×` : '';
  targets.push(`evaluation: ${x(evalRow.imagesPerSecond, step2.imagesPerSecond)}× the training step's images/s (target ≥ 4)${torchRatio}`);
}
const reference = find('stage2-epoch-reference');
const sameThreadsStep = (r: Row) => find('resnet32-train-b64', r.threads) ?? step2;
if (reference && step2) targets.push(`stage 2 as the reference runs it: ${x(reference.imagesPerSecond, sameThreadsStep(reference)?.imagesPerSecond)}× the training step's images/s (target ≥ 2)`);
const epoch = find('cifar10lt-epoch-e2e');
if (epoch) targets.push(`CIFAR-10-LT-shaped epoch end to end: ${epoch.epochOverSteps?.toFixed(2)}× its steps alone (target ≤ 1.15); without the evaluation ${epoch.trainOverSteps?.toFixed(2)}×; its evaluation ${x(epoch.evalImagesPerSecond, epoch.trainImagesPerSecond)}× its training images/s`);
const glmc = find('resnet32-glmc-train-b64');
if (glmc && step2) targets.push(`GLMC step: ${x(glmc.medianStepMs, sameThreadsStep(glmc)?.medianStepMs)}× a CE step (target ≤ 2.0), peak RSS ${x(glmc.peakRssMB, sameThreadsStep(glmc)?.peakRssMB)}× (target ≤ 1.3)`);
// Measured speed against the CPU's multiply-add ceiling (bench/ceiling.ts) in GFLOP/s of direct convolution.
const stepGflop = resnet32StepGflop(64);
for (const threads of [2, 1]) {
  const ceiling = rows.find((r) => r.name === 'multiply-add-ceiling' && r.backend === 'wasm-simd128' && r.threads === threads)?.gflops;
  const native = rows.find((r) => r.name === 'multiply-add-ceiling' && r.backend.startsWith('native') && r.threads === threads);
  const lt = find('resnet32-train-b64', threads);
  const torch = torchRow(threads);
  if (!ceiling || !lt?.imagesPerSecond) continue;
  const rate = (r: Row) => (stepGflop * (r.imagesPerSecond ?? 0)) / 64;
  const best = (ceiling / stepGflop) * 64;
  const torchPart = torch?.imagesPerSecond && native?.gflops
    ? `; PyTorch ${rate(torch).toFixed(0)} = ${((100 * rate(torch)) / native.gflops).toFixed(0)} % of the native ceiling ${native.gflops.toFixed(0)} (${native.backend}); a direct convolution at the wasm ceiling with nothing else in the step: ${best.toFixed(0)} img/s = ${(best / torch.imagesPerSecond).toFixed(2)}× PyTorch`
    : '';
  // Effective rates: direct-convolution FLOPs over time, so Winograd's fewer multiplies can exceed the ceiling.
  targets.push(`ResNet-32 step (${stepGflop.toFixed(1)} GFLOP as direct convolution), ${threads} thread(s): lt ${rate(lt).toFixed(0)} effective GFLOP/s = ${((100 * rate(lt)) / ceiling).toFixed(0)} % of the wasm SIMD128 multiply-add ceiling ${ceiling.toFixed(0)}${torchPart}`);
}
if (targets.length > 0) console.log(['targets (issue 13):', ...targets.map((t) => `- ${t}`)].join('\n'));
// Thread scaling (issue 20): each count's images/s, its speed-up over 1 thread, and lt over PyTorch at that count.
const scaling = threadCounts.flatMap((threads) =>
  ['resnet32-train-b64', 'resnet32-eval-b128'].map((name) => {
    const [lt, torch] = [find(name, threads), torchRow(threads, name)];
    const [lt1, torch1] = [find(name, 1), torchRow(1, name)];
    if (!lt?.imagesPerSecond) return undefined;
    const torchPart = torch?.imagesPerSecond ? `, PyTorch ${fmt(torch.imagesPerSecond)} (${x(torch.imagesPerSecond, torch1?.imagesPerSecond)}×): lt ${x(lt.imagesPerSecond, torch.imagesPerSecond)}× PyTorch` : '';
    return `${name}, ${threads} thread(s): lt ${fmt(lt.imagesPerSecond)} img/s (${x(lt.imagesPerSecond, lt1?.imagesPerSecond)}× its 1 thread)${torchPart}`;
  }),
).filter((line): line is string => line !== undefined);
if (scaling.length > 0) console.log(['thread scaling (issue 20; targets: step ≥ 1.0× PyTorch on 2 threads, ≥ 0.6× on 16; eval ≥ 1.0× on 2):', ...scaling.map((t) => `- ${t}`)].join('\n'));
const fastestStep = rows.filter((r) => r.name.endsWith('-train-b64') || r.name.endsWith('-train-b128')).sort((a, b) => (b.imagesPerSecond ?? 0) - (a.imagesPerSecond ?? 0))[0];
for (const pipeline of rows.filter((r) => r.backend === 'sharp')) {
  if (fastestStep?.imagesPerSecond && pipeline.imagesPerSecond) {
    const ratio = pipeline.imagesPerSecond / fastestStep.imagesPerSecond;
    console.log(`${pipeline.name} (${pipeline.threads} thread${pipeline.threads === 1 ? '' : 's'}): ${ratio.toFixed(1)}× the images/s of ${fastestStep.name} on ${fastestStep.backend} (${ratio >= 1 ? 'the step limits' : 'decoding limits'})`);
  }
}
mkdirSync(`${here}results`, { recursive: true });
writeFileSync(`${here}results/latest.json`, `${JSON.stringify(rows, null, 2)}\n`);
