import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cellConfig, cellName, gridPoints, loadSweepFile, sweepCells, type SweepFile } from './sweepFile.js';
import { planSweep } from './plan.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function file(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-sweepfile-'));
  dirs.push(dir);
  await writeFile(join(dir, 'sweep.yaml'), text);
  return join(dir, 'sweep.yaml');
}
const sweep = (grid: SweepFile['grid'], base: SweepFile['base'] = { dataset: { name: 'mnist' } }): SweepFile => ({ base, grid });

describe('sweep file', () => {
  it('expands the grid in key order, the last key fastest', () => {
    expect(gridPoints({ method: ['ce', 'ce+samn'], seed: [0, 1, 2] })).toEqual([
      { method: 'ce', seed: 0 }, { method: 'ce', seed: 1 }, { method: 'ce', seed: 2 },
      { method: 'ce+samn', seed: 0 }, { method: 'ce+samn', seed: 1 }, { method: 'ce+samn', seed: 2 },
    ]);
  });

  it('names cells by their values, filesystem-safe and stable; list values get a hash of their content', () => {
    expect(cellName({ method: 'ce+samn', seed: 0, 'stages.1.lr': 0.001 })).toBe('method=ce+samn__seed=0__stages.1.lr=0.001');
    const a = cellName({ 'stages.1.plugins': ['ce', 'samn'] });
    expect(a).toMatch(/^stages\.1\.plugins=-ce-samn--[0-9a-f]{8}$/);
    expect(cellName({ 'stages.1.plugins': ['ce', 'samn'] })).toBe(a);
    expect(cellName({ 'stages.1.plugins': ['ce'] })).not.toBe(a);
    expect(cellName({ 'dataset.dataDir': '/data/x y' })).toMatch(/^dataset\.dataDir=-data-x-y-[0-9a-f]{8}$/);
  });

  it('applies stage paths to the method recipe after the other paths: defaults ← base ← grid', () => {
    const config = cellConfig(sweep({}, { dataset: { name: 'mnist', imbalance: 10 }, method: 'ce+samn' }), { 'stages.1.lr': 0.003, seed: 4, 'stages.1.plugins': ['ce'] }, 's');
    expect(config.seed).toBe(4);
    expect(config.dataset.imbalance).toBe(10);
    expect(config.model).toEqual({ name: 'cnn' });
    expect(config.method).toBeUndefined();
    expect(config.stages![1]).toMatchObject({ name: 'classifier', lr: 0.003, epochs: 4, plugins: ['ce'] });
    expect(config.stages![0]).toMatchObject({ name: 'representation', lr: 0.05, plugins: ['ce'] });
    // `method` in the grid picks the recipe the stage paths then edit.
    expect(cellConfig(sweep({}), { method: 'ce', 'stages.1.epochs': 2 }, 's').stages![1]).toMatchObject({ epochs: 2, plugins: ['ce'] });
  });

  it('sets a stage by name in every method that has it, and leaves a method without that stage as it is', () => {
    const grid = { 'stages.representation.epochs': 3, 'stages.classifier.epochs': 2 };
    const ce = cellConfig(sweep({}, { dataset: { name: 'cifar10', dataDir: 'x' } }), { method: 'ce', ...grid }, 's').stages!;
    expect(ce.map((stage) => [stage.name, stage.epochs])).toEqual([['representation', 3], ['classifier', 2]]);
    const ldam = cellConfig(sweep({}, { dataset: { name: 'cifar10', dataDir: 'x' } }), { method: 'ldam-drw', ...grid }, 's').stages!;
    expect(ldam.map((stage) => [stage.name, stage.epochs])).toEqual([['representation', 3]]);
  });

  it('plans examples/compare-methods/cifar10 and examples/sensitivity/cifar10: stage 1 once per seed and method family', async () => {
    const root = fileURLToPath(new URL('../../../../examples/', import.meta.url));
    const compare = await loadSweepFile(join(root, 'compare-methods/cifar10.yaml'));
    const cells = sweepCells(compare, 'cifar10.yaml');
    expect(cells).toHaveLength(48);
    expect(cells.every((cell) => cell.config.stages![0].epochs === 10 && (cell.config.stages![1]?.epochs ?? 5) === 5)).toBe(true);
    expect(planSweep(cells).filter((unit) => unit.kind === 'prefix')).toHaveLength(9);
    const sensitivity = sweepCells(await loadSweepFile(join(root, 'sensitivity/cifar10.yaml')), 'cifar10.yaml');
    expect(sensitivity).toHaveLength(72);
    expect(planSweep(sensitivity).filter((unit) => unit.kind === 'prefix')).toHaveLength(3);
  });

  it('validates with zod; errors name the file and the path', async () => {
    await expect(loadSweepFile(await file('base: {}\ngrid: { method: ce }\n'))).rejects.toThrow(/sweep\.yaml: grid\.method: .*array/);
    await expect(loadSweepFile(await file('grid: { seed: [] }\n'))).rejects.toThrow(/sweep\.yaml: grid\.seed: give at least one value/);
    await expect(loadSweepFile(await file('grid: { seed: [0] }\nextra: 1\n'))).rejects.toThrow(/sweep\.yaml: .*extra/);
    const path = await file('base: { method: ce }\ngrid: { stages.3.lr: [0.1], seed: [0] }\n');
    expect(() => sweepCells(sweep({ 'stages.3.lr': [0.1] }, { method: 'ce' }), path)).toThrow(/sweep\.yaml \(cell stages\.3\.lr=0\.1\) grid\.stages\.3\.lr: no element 3 \(the list has 2\)/);
    expect(() => sweepCells(sweep({ 'stages.1.lr': [-1] }), path)).toThrow(/cell stages\.1\.lr=-1\): stages\.1\.lr: /);
    expect(() => sweepCells(sweep({ seed: [1, 1] }), path)).toThrow(/cell seed=1 twice/);
  });
});

describe('planSweep', () => {
  it('plans examples/sensitivity: 90 cells on 6 shared stage-1 runs, CE and weight balancing\'s per seed', async () => {
    const path = fileURLToPath(new URL('../../../../examples/sensitivity/sweep.yaml', import.meta.url));
    const units = planSweep(sweepCells(await loadSweepFile(path), path));
    expect(units.filter((u) => u.kind === 'cell')).toHaveLength(5 * 3 * 6);
    const prefixes = units.filter((u) => u.kind === 'prefix').map((u) => [u.config.seed, u.config.stages![0].weightDecay]);
    expect(prefixes.sort()).toEqual([[0, 5e-4], [0, 5e-3], [1, 5e-4], [1, 5e-3], [2, 5e-4], [2, 5e-3]]);
  });

  it('trains a stage prefix once for the cells that agree on it, per seed', () => {
    const cells = sweepCells(sweep({ method: ['ce', 'ce+samn'], seed: [0, 1], 'stages.1.lr': [0.001, 0.01] }), 's.yaml');
    const units = planSweep(cells);
    const prefixes = units.filter((u) => u.kind === 'prefix');
    expect(prefixes).toHaveLength(2);
    expect(prefixes.map((p) => p.config.stages!.map((s) => s.name))).toEqual([['representation'], ['representation']]);
    expect(prefixes.map((p) => p.config.seed).sort()).toEqual([0, 1]);
    for (const cell of units.filter((u) => u.kind === 'cell')) {
      const parent = units.find((u) => u.id === cell.parent)!;
      expect(parent.config.seed).toBe(cell.config.seed);
      expect(cell.depth).toBe(1);
    }
  });

  it('shares nested prefixes of a three-stage run and never one whose next stage starts from the best-on-test epoch', () => {
    const stage = (name: string, lr: number) => ({ name, epochs: 1, lr, plugins: ['ce'] });
    const base = { stages: [stage('a', 0.1), stage('b', 0.1), stage('c', 0.1)] };
    const units = planSweep(sweepCells(sweep({ 'stages.1.lr': [0.1, 0.2], 'stages.2.lr': [0.1, 0.2] }, base), 's'));
    const byStages = (n: number) => units.filter((u) => u.kind === 'prefix' && u.config.stages!.length === n);
    expect(byStages(1)).toHaveLength(1);
    expect(byStages(2)).toHaveLength(2);
    expect(byStages(2).every((u) => u.parent === byStages(1)[0].id && u.depth === 1)).toBe(true);
    expect(units.filter((u) => u.kind === 'cell').every((u) => u.depth === 2)).toBe(true);
    const best = { stages: [stage('a', 0.1), { ...stage('b', 0.1), initFrom: 'best-on-test' }] };
    expect(planSweep(sweepCells(sweep({ 'stages.1.lr': [0.1, 0.2] }, best), 's')).every((u) => u.kind === 'cell' && u.parent === undefined)).toBe(true);
  });
});
