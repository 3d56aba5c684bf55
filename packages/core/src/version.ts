import { createRequire } from 'node:module';

/**
 * The version in the package.json one folder above the calling module (a package's `src/` and `dist/` both sit
 * directly under its root), so a package never writes its version twice.
 */
export function packageVersion(moduleUrl: string): string {
  return (createRequire(moduleUrl)('../package.json') as { version: string }).version;
}

/** The installed version of @lt/core. */
export const version: string = packageVersion(import.meta.url);
