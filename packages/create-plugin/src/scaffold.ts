import { mkdir, mkdtemp, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { identifiersOf, ScaffoldError, validatePackageName } from './name.js';
import * as source from './templates/source.js';
import * as meta from './templates/package.js';
import type { TemplateInput } from './templates/source.js';

/** Every file of a scaffolded plugin package, by path relative to its folder. */
const files: Readonly<Record<string, (input: TemplateInput) => string>> = {
  'package.json': meta.packageJson,
  'tsconfig.json': meta.tsconfigJson,
  'tsconfig.build.json': meta.tsconfigBuildJson,
  'vitest.config.ts': meta.vitestConfigTs,
  '.gitignore': meta.gitignore,
  'README.md': meta.readme,
  '.changeset/config.json': meta.changesetConfig,
  '.changeset/first-release.md': meta.firstChangeset,
  'src/index.ts': source.indexTs,
  'src/options.ts': source.optionsTs,
  'src/loss.ts': source.lossTs,
  'src/plugin.ts': source.pluginTs,
  'src/plugin.test.ts': source.pluginTestTs,
  'src/loss.test.ts': source.lossTestTs,
};

/** Entries of `dir`, or undefined when it does not exist. */
async function entries(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes a plugin package named `name` into `dir` (which must be missing or empty) and returns the files written.
 * The files are written into a temporary sibling folder first and moved in at once: never half a package.
 */
export async function scaffold(name: string, dir: string): Promise<string[]> {
  validatePackageName(name);
  const target = resolve(dir);
  const present = await entries(target);
  if (present !== undefined && present.length > 0) {
    throw new ScaffoldError('DIR_NOT_EMPTY', `${target} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}): choose a new folder, or empty this one`);
  }
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}-`));
  try {
    const input: TemplateInput = { name, ids: identifiersOf(name) };
    for (const [path, render] of Object.entries(files)) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), render(input));
    }
    if (present !== undefined) await rmdir(target);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return Object.keys(files);
}
