import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLAIN_FMA_WASM, PLAIN_WASM, SHARED_FMA_WASM, SHARED_WASM } from './kernels.wasm.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('committed native kernels', () => {
  it('kernels.wasm.ts is exactly what scripts/build-wasm-kernels.sh builds from kernels.c (needs clang + lld)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-kernels-'));
    try {
      const out = join(dir, 'kernels.wasm.ts');
      execFileSync('bash', [join(root, 'scripts/build-wasm-kernels.sh'), out], { stdio: 'pipe' });
      const committed = readFileSync(join(root, 'packages/backend-wasm/src/native/kernels.wasm.ts'), 'utf8');
      // Compare without a diff of 30 kB of base64 in the failure message.
      expect(readFileSync(out, 'utf8') === committed, 'kernels.wasm.ts is stale: run scripts/build-wasm-kernels.sh and commit it').toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the SIMD builds validate without relaxed SIMD; the FMA builds hold relaxed_madd and validate only with it', () => {
    const builds = { PLAIN_WASM, SHARED_WASM, PLAIN_FMA_WASM, SHARED_FMA_WASM };
    // A fresh Node without flags (this process may have enabled relaxed SIMD already), then one with the flag.
    const script = `const b = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      console.log(JSON.stringify(Object.fromEntries(Object.entries(b).map(([k, v]) => [k, WebAssembly.validate(Buffer.from(v, 'base64'))]))))`;
    const validate = (flags: string[]) => JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { input: JSON.stringify(builds) }).toString()) as Record<string, boolean>;
    const bare = validate([]);
    const relaxed = validate(['--experimental-wasm-relaxed-simd']);
    expect(bare.PLAIN_WASM && bare.SHARED_WASM).toBe(true);
    expect(relaxed).toEqual({ PLAIN_WASM: true, SHARED_WASM: true, PLAIN_FMA_WASM: true, SHARED_FMA_WASM: true });
    // Without the flag the FMA builds stand or fall together (Node 20: both refused; Node ≥ 22: both accepted).
    expect(bare.PLAIN_FMA_WASM).toBe(bare.SHARED_FMA_WASM);
    // (The SIMD builds' freedom from relaxed instructions is what validating them on a bare Node 20 shows.)
    for (const base64 of [PLAIN_FMA_WASM, SHARED_FMA_WASM]) {
      const bytes = Buffer.from(base64, 'base64');
      expect(bytes.includes(Buffer.from([0xfd, 0x85, 0x02]))).toBe(true);
      // clang 14's draft encoding must have been rewritten everywhere.
      expect(bytes.includes(Buffer.from([0xfd, 0xaf, 0x01]))).toBe(false);
    }
  });
});
