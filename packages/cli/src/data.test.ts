import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataCommand } from './data.js';

const sink = () => ({ write: () => true }) as unknown as NodeJS.WriteStream;

describe('lt data', () => {
  it('asks for cifar10, --from and --out, and names a tree it cannot read without writing anything', async () => {
    await expect(dataCommand(['cifar100', '--from', 'a', '--out', 'b'], sink())).rejects.toThrow(/unknown format 'cifar100' \(known: cifar10\)/);
    await expect(dataCommand(['cifar10', '--out', 'b'], sink())).rejects.toThrow(/give cifar10, --from DIR and --out DIR/);
    const dir = await mkdtemp(join(tmpdir(), 'lt-data-'));
    try {
      const out = join(dir, 'bin');
      await expect(dataCommand(['cifar10', '--from', join(dir, 'missing'), '--out', out], sink())).rejects.toThrow(`cannot read the image folder ${join(dir, 'missing', 'train')}`);
      expect(existsSync(out)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
