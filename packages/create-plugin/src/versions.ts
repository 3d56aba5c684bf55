import { createRequire } from 'node:module';

const own = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * Versions a scaffolded plugin pins: lt's own release line, and the workspace's pins of the rest (a test checks
 * they match the workspace, so a scaffold tests against what lt itself is tested with).
 */
export const versions = Object.freeze({
  lt: own.version,
  tfjsCore: '4.22.0',
  zod: '4.6.7',
  vitest: '4.1.12',
  typescript: '5.9.3',
  typesNode: '20.19.43',
  changesets: '2.31.1',
});
