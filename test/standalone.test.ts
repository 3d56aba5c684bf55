// The repository stands alone: a user who clones it has nothing beside it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// Built from parts so this file does not match its own search.
const outside = ['..', 'shared'].join('/');

/** Tracked files (and their lines) that mention a path outside the repository. */
function mentionsOfOutside(pattern: string): string[] {
  try {
    return execFileSync('git', ['grep', '-nIF', pattern, '--', '.', ':!pnpm-lock.yaml'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '');
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

describe('the repository', () => {
  it(`has no tracked file that reads, links or mentions ${outside}`, () => {
    expect(mentionsOfOutside(outside)).toEqual([]);
  });

  it('finds a mention when one exists (the check can fail)', () => {
    expect(mentionsOfOutside('readReferenceVectors').length).toBeGreaterThan(0);
  });
});
