import validate from 'validate-npm-package-name';

/** A scaffolding failure; `code` is stable for programs, the message says what to change. */
export class ScaffoldError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

/** The identifiers a package name gives the scaffolded code: `@me/lt-focal` → `ltFocal`, `LtFocalPlugin`, `LtFocalOptions`. */
export interface PluginIdentifiers {
  /** The factory users call in a stage's plugin list. */
  readonly factory: string;
  /** The plugin class. */
  readonly className: string;
  /** The options token (a value) and, with a `T` suffix, the validated options type. */
  readonly options: string;
}

/** Checks `name` against npm's package-name rules (new packages), throwing an error that lists what is wrong. */
export function validatePackageName(name: string): void {
  const result = validate(name);
  if (!result.validForNewPackages) {
    const problems = [...(result.errors ?? []), ...(result.warnings ?? [])];
    throw new ScaffoldError('INVALID_NAME', `'${name}' is not a valid npm package name: ${problems.join('; ')}. Try e.g. lt-focal-loss or @you/lt-focal-loss.`);
  }
}

/** The folder a package is scaffolded into by default: its name without the scope. */
export const defaultFolder = (name: string): string => name.replace(/^@[^/]+\//, '');

/** Derives the code identifiers from a (valid) package name. */
export function identifiersOf(name: string): PluginIdentifiers {
  const words = defaultFolder(name).split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('') || 'My';
  const safe = /^[0-9]/.test(pascal) ? `Plugin${pascal}` : pascal;
  const base = safe.endsWith('Plugin') && safe.length > 'Plugin'.length ? safe.slice(0, -'Plugin'.length) : safe;
  return { factory: base[0].toLowerCase() + base.slice(1), className: `${base}Plugin`, options: `${base}Options` };
}
