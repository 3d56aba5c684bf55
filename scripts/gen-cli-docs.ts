// `pnpm docs:cli`: rewrites docs/cli.md from the CLI's schemas and help texts.
import { writeFileAtomic } from '@lt/core';
import { renderCliReference } from './cliReference.js';

const target = new URL('../docs/cli.md', import.meta.url);
await writeFileAtomic(target.pathname, renderCliReference());
console.log(`wrote ${target.pathname}`);
