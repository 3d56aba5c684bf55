import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LtError } from '@lt/core';
import type { UnitJob } from './runUnit.js';

/** What a unit's child process reports. */
export type UnitMessage =
  | { readonly type: 'stage'; readonly stage: string; readonly epochs: number; readonly startEpoch: number }
  | { readonly type: 'epoch'; readonly stage: string; readonly epoch: number; readonly epochs: number; readonly seconds: number; readonly top1?: number }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly code?: string; readonly message: string };

/** A unit training in a child process. */
export interface UnitChild {
  /** Resolves when the unit finished; rejects with an LtError (bad config) or an Error (crash, killed). */
  readonly done: Promise<void>;
  kill(): void;
}

// Sources run under vitest/tsx fork the .ts entry through tsx; the built package forks its .js.
const self = fileURLToPath(import.meta.url);
const entry = self.replace(/childRunner\.(ts|js)$/, 'unitProcess.$1');
const execArgv = self.endsWith('.ts') ? ['--import', 'tsx'] : [];

/** Starts a unit in a child process with `threads` wasm threads (LT_WASM_THREADS); messages go to `onMessage`. */
export function startUnitChild(job: UnitJob, threads: number, onMessage: (message: UnitMessage) => void): UnitChild {
  const child: ChildProcess = fork(entry, [], {
    execArgv,
    env: { ...process.env, LT_WASM_THREADS: String(threads) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let failure: LtError | Error | undefined;
  child.on('message', (message: UnitMessage) => {
    if (message.type === 'error') {
      failure = message.code === undefined ? new Error(message.message) : new LtError(message.code, message.message);
    } else onMessage(message);
  });
  child.send(job);
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(failure ?? new Error(`unit ${job.dir} stopped (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`));
    });
  });
  return { done, kill: () => void child.kill('SIGKILL') };
}
