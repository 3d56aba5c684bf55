import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRun } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { mlp } from '@lt/models';
import { ce } from '@lt/ce';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

describe('the lt binary', () => {
  it("starts every command quietly: lt export prints its result and not tfjs's advert for tfjs-node", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-bin-'));
    try {
      const run = createRun({
        dataset: syntheticLT({ numClasses: 3, imbalance: 4, maxCount: 20, testPerClass: 4 }),
        model: mlp({ hidden: [8] }),
        backend: 'cpu',
        outDir: join(dir, 'run'),
        stages: [{ name: 'representation', epochs: 1, batchSize: 8, lr: 0.05, plugins: [ce()] }],
      });
      await run.start();
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'packages/cli/src/bin.ts', 'export', join(dir, 'run'), '--out', join(dir, 'exported')],
        { cwd: repo },
      );
      expect(`${stdout}${stderr}`).toMatch(/^exported stage representation of .* \(model\.json, weights\.bin, classes\.json\)\n$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
