#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import { defaultFolder, ScaffoldError } from './name.js';
import { scaffold } from './scaffold.js';

const usage = `Usage: npm init @lt/plugin <package-name> [-- --dir <folder>]
       create-plugin <package-name> [--dir <folder>]

Scaffolds an lt plugin package (a loss plugin with validated options, its tests, README, changeset) into
<folder> (default: the package name without its scope), which must be missing or empty.`;

/** Parses the command line, scaffolds, and prints the next steps. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`${positionals.length === 0 ? 'Give the package name.' : `One package name, got: ${positionals.join(' ')}.`}\n\n${usage}`);
    return 1;
  }
  const name = positionals[0];
  const dir = values.dir ?? defaultFolder(name);
  const written = await scaffold(name, dir);
  const shown = relative(process.cwd(), dir) || '.';
  console.log(`Created ${name} in ${shown}/ (${written.length} files):\n${written.map((f) => `  ${f}`).join('\n')}`);
  console.log(`\nNext steps:\n  cd ${shown}\n  npm install\n  npm test         # the lt conformance suite on cpu and wasm\n  # edit src/plugin.ts, then: npx changeset && npm run release`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ScaffoldError || error instanceof TypeError ? `create-plugin: ${error.message}` : error);
    process.exitCode = 1;
  },
);
