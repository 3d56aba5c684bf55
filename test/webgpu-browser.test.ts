// @lt/backend-webgpu as a browser gets it: `pnpm pack`ed, extracted, bundled with esbuild for the browser, and run in
// headless chromium on WebGPU over SwiftShader. The page trains two steps with lt's WGSL kernels and the same steps
// with plain tfjs on tfjs's cpu backend; both must agree. Node runs lt's kernels through Dawn elsewhere; this is the
// only check that the published files (not the sources vitest aliases) load and work in a browser's own WebGPU.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { startChromium } from './support/browser.js';
import { tempDirForBlock } from './support/tempDir.js';
import type { SideResult, StepResult } from './browser/webgpuStep.entry.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Packs @lt/backend-webgpu (its dist, rebuilt first) and extracts the tarball to `<dir>/node_modules/@lt/backend-webgpu`. */
async function extractPackedBackend(dir: string): Promise<string> {
  execFileSync('pnpm', ['--filter', '@lt/backend-webgpu', 'build'], { cwd: root, stdio: 'pipe' });
  const tarballs = join(dir, 'tarballs');
  execFileSync('pnpm', ['--filter', '@lt/backend-webgpu', 'pack', '--pack-destination', tarballs], { cwd: root, stdio: 'pipe' });
  const [tarball] = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz'));
  const target = join(dir, 'node_modules', '@lt', 'backend-webgpu');
  await mkdir(target, { recursive: true });
  // npm tarballs hold one top folder, `package/`.
  execFileSync('tar', ['xzf', join(tarballs, tarball), '-C', target, '--strip-components=1']);
  return target;
}

/** Bundles the page's entry for the browser, @lt/backend-webgpu from `packed`, tfjs from the workspace's install. */
async function bundleEntry(packed: string): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    entryPoints: [join(root, 'test', 'browser', 'webgpuStep.entry.ts')],
    platform: 'browser',
    format: 'esm',
    bundle: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
    // Walking up from the entry would find the workspace's own link to packages/backend-webgpu: the alias pins it.
    alias: { '@lt/backend-webgpu': packed },
    // The extracted package has no node_modules of its own; its dependency tfjs-backend-webgpu is installed under the
    // workspace package (pnpm does not hoist it to the root), tfjs-core at the root. pnpm's links resolve to one real
    // folder per package, so the bundle holds one tfjs-core whichever importer asks.
    nodePaths: [join(root, 'node_modules'), join(root, 'packages', 'backend-webgpu', 'node_modules')],
    // probe.ts imports Node built-ins dynamically, on a path a browser never takes; `webgpu` (Dawn) is Node's only.
    external: ['node:*', 'webgpu'],
  });
  return { code: result.outputFiles[0].text, metafile: result.metafile };
}

/** Serves the page and its bundle on 127.0.0.1 (a secure context, as WebGPU requires) at a free port. */
async function servePage(bundle: string): Promise<{ server: Server; url: string }> {
  // The empty icon keeps chromium from asking for /favicon.ico, whose 404 would read as a page error.
  const page = '<!doctype html><meta charset="utf-8"><title>lt webgpu step</title><link rel="icon" href="data:,"><script type="module" src="/step.js"></script>';
  const server = createServer((request, response) => {
    if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else if (request.url === '/step.js') response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the page server has no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

// max |a − b| over max |b|: relative to the tensor's scale, so entries near zero do not make the bound meaningless.
function relativeError(actual: readonly number[], expected: readonly number[]): number {
  expect(actual).toHaveLength(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  return Math.max(...actual.map((a, i) => Math.abs(a - expected[i]))) / scale;
}

const TOLERANCE = 1e-4;

// The worst agreement seen, printed: how much room the tolerance leaves.
let worst = { name: '', error: 0 };

function expectClose(name: string, actual: readonly number[], expected: readonly number[]): void {
  const error = relativeError(actual, expected);
  if (error >= worst.error) worst = { name, error };
  expect(error, `${name}: relative error ${error.toExponential(2)}`).toBeLessThan(TOLERANCE);
}

describe('@lt/backend-webgpu, packed, in headless chromium on WebGPU', () => {
  const dir = tempDirForBlock('lt-webgpu-browser-');

  it("trains two steps with lt's kernels on SwiftShader that match tfjs's cpu backend in the same page", async () => {
    const packed = await extractPackedBackend(dir());
    const { code, metafile } = await bundleEntry(packed);
    // Relative to absWorkingDir, the workspace root.
    const inputs = Object.keys(metafile.inputs);
    // The packed package's dist went in, and nothing of the workspace's copy (sources or dist).
    expect(inputs.some((p) => p.includes(`node_modules${sep}@lt${sep}backend-webgpu${sep}dist${sep}kernels`))).toBe(true);
    expect(inputs.filter((p) => p.includes(`packages${sep}backend-webgpu${sep}src`) || p.includes(`packages${sep}backend-webgpu${sep}dist`))).toEqual([]);
    // One tfjs-core: its engine holds the kernel registry, so a second copy would leave lt's kernels unregistered.
    const cores = new Set(inputs.map((p) => /^(.*@tensorflow\/tfjs-core)\//.exec(p.split(sep).join('/'))?.[1]).filter((p) => p !== undefined));
    expect([...cores]).toHaveLength(1);
    expect(code).not.toMatch(/from ["']webgpu["']/);

    const { server, url } = await servePage(code);
    const chromium = await startChromium({ webgpu: 'swiftshader' });
    const errors: string[] = [];
    try {
      const page = await chromium.browser.newPage();
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(url);
      await page.waitForFunction('typeof globalThis.ltWebGPUStep === "function"', { timeout: 30_000 });
      const result = (await page.evaluate('globalThis.ltWebGPUStep()')) as StepResult;
      process.stdout.write(
        `adapter: ${JSON.stringify(result.adapter)}\nbackend: ${result.backend}\n` +
          `losses webgpu: ${result.webgpu.losses.join(', ')}\nlosses cpu:    ${result.cpu.losses.join(', ')}\n`,
      );
      expect(errors).toEqual([]);
      expect(result.backend).toBe('webgpu');
      expect(result.adapter).toMatchObject({ architecture: 'swiftshader', software: true, provider: 'browser' });
      const { webgpu, cpu } = result;
      expect(webgpu.losses).toHaveLength(2);
      webgpu.losses.forEach((loss, step) => expectClose(`loss ${step}`, [loss], [cpu.losses[step]]));
      // The update moved the loss: a step that changed nothing would match the reference on losses alone.
      expect(Math.abs(cpu.losses[1] - cpu.losses[0])).toBeGreaterThan(1e-3);
      for (const name of Object.keys(cpu.grads) as Array<keyof SideResult['grads']>) expectClose(`gradient ${name}`, webgpu.grads[name], cpu.grads[name]);
      for (const name of Object.keys(cpu.params) as Array<keyof SideResult['params']>) expectClose(`parameter ${name}`, webgpu.params[name], cpu.params[name]);
      expectClose('running mean', webgpu.running.mean, cpu.running.mean);
      expectClose('running variance', webgpu.running.variance, cpu.running.variance);
      process.stdout.write(`worst relative error: ${worst.error.toExponential(2)} (${worst.name})\n`);
    } finally {
      await chromium.close();
      server.close();
    }
  }, 300_000);
});
