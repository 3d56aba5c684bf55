import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedis } from '../../../../test/support/redis.js';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** What `child` prints, and a wait for a pattern in it (failing after `ms`, with the output so far). */
function watch(child: ChildProcess): { text: () => string; waitFor: (pattern: RegExp, ms: number) => Promise<void> } {
  let text = '';
  const waiters = new Set<() => void>();
  const read = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`no ${pattern} within ${ms} ms; printed:\n${text}`)), ms);
      const check = () => {
        if (!pattern.test(text)) return;
        clearTimeout(timer);
        waiters.delete(check);
        ok();
      };
      waiters.add(check);
      check();
    });
  return { text: () => text, waitFor };
}

describe('lt worker', () => {
  it('says when Redis cannot be reached, keeps retrying, and says when it answers', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const worker = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/bin.ts', 'worker', '--queue', url], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(worker);
    const output = watch(worker);
    await output.waitFor(/cannot reach Redis/, 60_000);
    expect(output.text()).toContain(`lt worker: cannot reach Redis at ${url} (connect ECONNREFUSED 127.0.0.1:${port}); retrying until it answers — Ctrl-C to stop`);
    started.push(await startRedis(port));
    await output.waitFor(/connected to Redis/, 60_000);
    expect(output.text()).toContain(`lt worker: connected to Redis at ${url}\n`);
    // Once per outage, not once per retry.
    expect(output.text().match(/cannot reach Redis/g)).toHaveLength(1);
  }, 120_000);
});
