// Runs in a child Node process: Dawn prints its driver diagnostics straight to stderr, which an `auto` backend choice
// on a machine without a usable GPU must not show; the child's output is kept only to parse.
const script = (specifier: string) => `
const { create, globals } = await import(${JSON.stringify(specifier)});
Object.assign(globalThis, globals);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const info = adapter?.info;
process.stdout.write(JSON.stringify(info ? { vendor: info.vendor, architecture: info.architecture, description: info.description || info.device || '', isFallbackAdapter: info.isFallbackAdapter === true } : null));
process.exit(0);`;

/** The raw adapter facts a probe reports, before they are classified. */
export interface AdapterFacts {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
}

/**
 * Asks Dawn for its high-performance adapter in a child process, so nothing it prints reaches this process's
 * terminal; resolves to null where Dawn loads but finds no adapter, and rejects where `webgpu` cannot load.
 */
export async function quietDawnAdapter(): Promise<AdapterFacts | null> {
  // Node built-ins load lazily: browsers reach this package too, and never this function.
  const [{ execFile }, { createRequire }, { pathToFileURL }] = await Promise.all([import('node:child_process'), import('node:module'), import('node:url')]);
  const specifier = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script(specifier)], { timeout: 60_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as AdapterFacts | null);
    });
  });
}
