import { createRequire } from 'node:module';

// Read from package.json (one level above both src/ and dist/) so the version is never written twice.
const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

/** The installed version of @lt/glmc. */
export const version: string = pkg.version;
