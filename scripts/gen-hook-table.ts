// `pnpm docs:hooks`: rewrites the hook table in docs/architecture.md from packages/core/src/hooks.ts.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@lt/core';
import { withHookTable } from './hookTable.js';

const target = new URL('../docs/architecture.md', import.meta.url).pathname;
await writeFileAtomic(target, withHookTable(readFileSync(target, 'utf8')));
console.log(`wrote the hook table of ${target}`);
