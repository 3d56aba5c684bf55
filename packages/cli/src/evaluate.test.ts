import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from './evaluate.js';
import { train } from './train.js';
import { TINY_RUN_YAML } from '../../../test/support/tinyRun.js';

const sink = () => ({ write: () => true }) as unknown as NodeJS.WriteStream;
const capture = () => {
  const chunks: string[] = [];
  return { stream: { write: (text: string) => chunks.push(text) > 0 } as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
};

/** The final test metrics each stage logged while training, by stage name. */
async function loggedFinal(runDir: string): Promise<Map<string, { top1: number; perClass: number[] }>> {
  const lines = (await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { stage: string; test?: { top1: number; perClass: number[] } });
  return new Map(lines.filter((line) => line.test !== undefined).map((line) => [line.stage, line.test!]));
}

describe('lt evaluate', () => {
  let dir: string;
  let runDir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lt-evaluate-'));
    const config = join(dir, 'lt.yaml');
    await writeFile(config, TINY_RUN_YAML);
    runDir = join(dir, 'run');
    expect(await train(['--config', config, '--out', runDir], sink(), sink())).toBe(0);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('scores the last stage as training did, prints the table and writes the JSON', async () => {
    const out = capture();
    const json = join(dir, 'eval', 'classifier.json');
    expect(await evaluateCommand([runDir, '--out', json, '--backend', 'cpu'], out.stream)).toBe(0);
    const result = JSON.parse(await readFile(json, 'utf8'));
    const logged = (await loggedFinal(runDir)).get('classifier')!;
    expect(result).toMatchObject({ stage: 'classifier', flipTTA: false, testCount: 10000 });
    expect(result.top1).toBe(logged.top1);
    expect(result.perClass).toEqual(logged.perClass);
    expect(result.classCounts[0]).toBe(40);
    expect(out.text()).toMatch(/Stage 'classifier' of .* 10000 test images, flip TTA off, backend cpu/);
    expect(out.text()).toContain(`${(100 * logged.top1).toFixed(2)}`);
  });

  it('scores another stage, with flip TTA when asked', async () => {
    const json = join(dir, 'representation.json');
    expect(await evaluateCommand([runDir, '--stage', 'representation', '--flip-tta', 'off', '--out', json, '--backend', 'cpu'], sink())).toBe(0);
    const result = JSON.parse(await readFile(json, 'utf8'));
    expect(result.top1).toBe((await loggedFinal(runDir)).get('representation')!.top1);
    expect(await evaluateCommand([runDir, '--flip-tta', 'on', '--out', json, '--backend', 'cpu'], sink())).toBe(0);
    const flipped = JSON.parse(await readFile(json, 'utf8'));
    expect(flipped.flipTTA).toBe(true);
    // Mirrored digits are other glyphs: averaging with them moves the predictions.
    expect(flipped.top1).not.toBe((await loggedFinal(runDir)).get('classifier')!.top1);
  });

  it('names what is wrong: a stage, a flag value, a run whose data no longer gives its split', async () => {
    await expect(evaluateCommand([runDir, '--stage', 'nope', '--backend', 'cpu'], sink())).rejects.toThrow(/no stage 'nope' \(stages: representation, classifier\)/);
    await expect(evaluateCommand([runDir, '--flip-tta', 'yes'], sink())).rejects.toThrow("--flip-tta expects on or off, got 'yes'");
    await expect(evaluateCommand([runDir, '--backend', 'gpu'], sink())).rejects.toThrow(/--backend expects one of auto, tensorflow, webgpu, wasm, cpu, got 'gpu'/);
    const manifestPath = join(runDir, 'manifest.json');
    const original = await readFile(manifestPath, 'utf8');
    const manifest = JSON.parse(original);
    manifest.dataset.options.maxCount = 30;
    await writeFile(manifestPath, JSON.stringify(manifest));
    try {
      await expect(evaluateCommand([runDir, '--backend', 'cpu'], sink())).rejects.toThrow(/manifest\.json: the dataset at .* no longer gives the run's split/);
    } finally {
      await writeFile(manifestPath, original);
    }
  });
});
