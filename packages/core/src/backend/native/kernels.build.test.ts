import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));

describe('committed native kernels', () => {
  it('kernels.wasm.ts is exactly what scripts/build-wasm-kernels.sh builds from kernels.c (needs clang + lld)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-kernels-'));
    try {
      const out = join(dir, 'kernels.wasm.ts');
      execFileSync('bash', [join(root, 'scripts/build-wasm-kernels.sh'), out], { stdio: 'pipe' });
      const committed = readFileSync(join(root, 'packages/core/src/backend/native/kernels.wasm.ts'), 'utf8');
      // Compare without a diff of 30 kB of base64 in the failure message.
      expect(readFileSync(out, 'utf8') === committed, 'kernels.wasm.ts is stale: run scripts/build-wasm-kernels.sh and commit it').toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
