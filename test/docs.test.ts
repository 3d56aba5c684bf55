// The generated parts of docs/ match the code they are generated from, and the docs' relative links resolve.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tokens } from '@lt/core';
import { renderCliReference } from '../scripts/cliReference.js';
import { hookTableMarkers, stageHookNames, withHookTable } from '../scripts/hookTable.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** README.md and every markdown file under docs/ (the generated API reference aside). */
function markdownFiles(dir = 'docs'): string[] {
  const files: string[] = dir === 'docs' ? ['README.md'] : [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() && path !== 'docs/api') files.push(...markdownFiles(path));
    else if (entry.name.endsWith('.md')) files.push(path);
  }
  return files;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string => heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/** The anchors of a markdown text's headings. */
const anchors = (text: string): Set<string> => new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

/** Relative links in markdown `text` (of a file in `dir`) whose file, or whose heading anchor in it, does not exist. */
function brokenLinks(text: string, dir: string): string[] {
  const links = [...text.matchAll(/\]\(([^)#\s]*)(?:#([^)\s]*))?\)/g)].filter((m) => !/^[a-z]+:/.test(m[1]));
  return links
    .filter(([, target, anchor]) => {
      const path = join(root, dir, target);
      if (target !== '' && !existsSync(path)) return true;
      if (anchor === undefined || !(target === '' || target.endsWith('.md'))) return false;
      return !anchors(target === '' ? text : readFileSync(path, 'utf8')).has(anchor);
    })
    .map(([, target, anchor]) => `${dir}/${target}${anchor === undefined ? '' : `#${anchor}`}`);
}

describe('docs/cli.md', () => {
  it('is what `pnpm docs:cli` generates from the schemas and help texts now', () => {
    expect(read('docs/cli.md'), 'docs/cli.md is out of date: run `pnpm docs:cli` and commit it').toBe(renderCliReference());
  });

  it('lists every field and every plugin option the schemas define', () => {
    const reference = renderCliReference();
    for (const field of ['`dataset.selection`', '`stages[].initFrom`', '`evaluation.manyMediumFew`', '### `samn`', '`biasBranch`']) {
      expect(reference).toContain(field);
    }
  });
});

describe('docs/architecture.md', () => {
  const text = read('docs/architecture.md');

  it('holds the hook table `pnpm docs:hooks` generates from createStageHooks()', () => {
    expect(text, 'the hook table is out of date: run `pnpm docs:hooks` and commit docs/architecture.md').toBe(withHookTable(text));
  });

  it('notices a hook table that disagrees with the code', () => {
    const start = text.indexOf(hookTableMarkers.begin);
    const stale = `${text.slice(0, start)}${text.slice(start).replace('`loss`', '`losses`')}`;
    expect(withHookTable(stale)).not.toBe(stale);
  });

  it.each(stageHookNames())('describes the %s hook in its own section', (name) => {
    expect(text).toMatch(new RegExp(`^### \`${name}\`$`, 'm'));
  });

  it.each(Object.keys(Tokens))('documents the DI token Tokens.%s', (token) => {
    expect(text).toContain(`Tokens.${token}`);
  });
});

describe('the docs', () => {
  it('link only to files and headings that exist', () => {
    expect(markdownFiles().flatMap((file) => brokenLinks(read(file), dirname(file)))).toEqual([]);
  });

  it('would notice a broken link', () => {
    const text = '# Top\n[ok](architecture.md#hooks) [here](#top) [gone](no-such-page.md#x) [no heading](architecture.md#nope)';
    expect(brokenLinks(text, 'docs')).toEqual(['docs/no-such-page.md#x', 'docs/architecture.md#nope']);
  });
});
