import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { scaffold } from './scaffold.js';
import { identifiersOf, validatePackageName } from './name.js';
import { versions } from './versions.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-create-'));
  dirs.push(dir);
  return dir;
}

describe('scaffold', () => {
  it('writes a plugin package: loss plugin with validated options, tests, README, changeset, peers', async () => {
    const dir = join(await tempDir(), 'focal');
    const written = await scaffold('@me/lt-focal', dir);
    expect(written).toEqual(expect.arrayContaining(['package.json', 'src/plugin.ts', 'src/plugin.test.ts', 'README.md', '.changeset/first-release.md']));
    const onDisk = [...(await readdir(dir, { recursive: true }))].filter((p) => !p.endsWith('src') && p !== '.changeset');
    expect(onDisk.sort()).toEqual([...written].sort());
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@me/lt-focal');
    expect(pkg.peerDependencies).toEqual({ '@lt/core': `^${versions.lt}`, '@tensorflow/tfjs-core': versions.tfjsCore });
    expect(Object.keys(pkg.dependencies)).toEqual(['zod']);
    expect(pkg.devDependencies).toMatchObject({ '@lt/testkit': `^${versions.lt}`, vitest: versions.vitest });
    const plugin = await readFile(join(dir, 'src/plugin.ts'), 'utf8');
    expect(plugin).toContain('export class LtFocalPlugin implements LtPlugin');
    expect(plugin).toContain("hooks.loss.tap({ name: LtFocalPlugin.meta.name, replaces: true }");
    expect(plugin).toContain('export const ltFocal = (options: LtFocalOptionsInput = {}): PluginSpec => definePlugin(LtFocalPlugin, LtFocalOptions, options);');
    expect(await readFile(join(dir, 'src/options.ts'), 'utf8')).toContain("defineOptions<LtFocalOptionsT>('@me/lt-focal', ltFocalOptionsSchema)");
    expect(await readFile(join(dir, 'src/plugin.test.ts'), 'utf8')).toContain("describePlugin('@me/lt-focal', ltFocal, {");
    expect(await readFile(join(dir, '.changeset/first-release.md'), 'utf8')).toMatch(/^---\n'@me\/lt-focal': minor\n---/);
  });

  it('fills an existing empty folder, and refuses a non-empty one without touching it', async () => {
    const empty = join(await tempDir(), 'empty');
    await mkdir(empty);
    await scaffold('lt-x', empty);
    expect(await readdir(empty)).toContain('package.json');

    const parent = await tempDir();
    const busy = join(parent, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'notes.txt'), 'mine');
    await expect(scaffold('lt-x', busy)).rejects.toThrow(/busy is not empty \(notes\.txt\): choose a new folder/);
    expect(await readdir(busy)).toEqual(['notes.txt']);
    expect(await readdir(parent)).toEqual(['busy']); // no staging folder left behind
  });

  it('rejects names npm would refuse, saying why', async () => {
    const dir = join(await tempDir(), 'p');
    await expect(scaffold('My Plugin', dir)).rejects.toThrow(/'My Plugin' is not a valid npm package name: .*URL-friendly/);
    expect(() => validatePackageName('.hidden')).toThrow(/cannot start with a period/);
    expect(() => validatePackageName('UPPER')).toThrow(/capital letters/);
    expect(() => validatePackageName('x'.repeat(215))).toThrow(/more than 214 characters/);
    expect(() => validatePackageName('@scope/lt-ok')).not.toThrow();
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('identifiersOf', () => {
  it('derives the factory, class and options names from the package name', () => {
    expect(identifiersOf('my-plugin')).toEqual({ factory: 'my', className: 'MyPlugin', options: 'MyOptions' });
    expect(identifiersOf('@me/lt-focal-loss')).toEqual({ factory: 'ltFocalLoss', className: 'LtFocalLossPlugin', options: 'LtFocalLossOptions' });
    expect(identifiersOf('3d-loss').className).toBe('Plugin3dLossPlugin');
  });
});

describe('versions', () => {
  it("pins what the workspace pins, and lt's own version", () => {
    const require = createRequire(import.meta.url);
    const root = require('../../../package.json') as { devDependencies: Record<string, string> };
    expect(versions).toEqual({
      lt: (require('../../core/package.json') as { version: string }).version,
      tfjsCore: root.devDependencies['@tensorflow/tfjs-core'],
      zod: root.devDependencies.zod,
      vitest: root.devDependencies.vitest,
      typescript: root.devDependencies.typescript,
      typesNode: root.devDependencies['@types/node'],
      changesets: root.devDependencies['@changesets/cli'],
    });
  });
});

describe('the create-plugin command', () => {
  it('scaffolds into a folder named after the package and prints the next steps; fails clearly on a bad name', async () => {
    const cwd = await tempDir();
    const bin = join(import.meta.dirname, 'bin.ts');
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const { stdout } = await promisify(execFile)(process.execPath, [tsx, bin, '@me/lt-weighted'], { cwd });
    expect(stdout).toMatch(/Created @me\/lt-weighted in lt-weighted\/ \(14 files\)/);
    expect(stdout).toMatch(/Next steps:\n {2}cd lt-weighted\n {2}npm install\n {2}npm test/);
    expect(await readdir(join(cwd, 'lt-weighted'))).toContain('package.json');
    await expect(promisify(execFile)(process.execPath, [tsx, bin, 'Bad Name'], { cwd })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/create-plugin: 'Bad Name' is not a valid npm package name/),
    });
  });
});
