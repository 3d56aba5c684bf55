// Headless Debian chromium for browser checks (tests only): puppeteer-core drives the system browser, downloads nothing.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, type Browser } from 'puppeteer-core';

/** Where Debian's `chromium` package installs the browser (`.ci/run` installs it when missing). */
export const chromiumPath = process.env.LT_CHROMIUM ?? '/usr/bin/chromium';

/** A started headless chromium and its throwaway profile; `close()` ends both. */
export interface HeadlessChromium {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Options of `startChromium`. */
export interface ChromiumOptions {
  /**
   * 'swiftshader' gives pages `navigator.gpu` with SwiftShader's adapter (CPU Vulkan, shipped with Debian's chromium):
   * WebGPU without a GPU, for tests. Off by default: the other browser checks need no GPU at all.
   */
  readonly webgpu?: 'swiftshader';
}

// Headless chromium offers no WebGPU adapter unless asked; pinning the adapter to SwiftShader keeps a machine's real
// GPU (if chromium can reach one) out of it, so every machine runs the same implementation. --disable-gpu stays:
// it turns off hardware acceleration, not the GPU process that serves SwiftShader's WebGPU.
const webgpuFlags = { swiftshader: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] } as const;

/** Starts headless chromium with no network chatter (this machine's network is closed) and a fresh profile. */
export async function startChromium(options: ChromiumOptions = {}): Promise<HeadlessChromium> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no browser at ${chromiumPath}: install Debian's chromium (apt-get install chromium) or set LT_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'lt-chromium-'));
  const browser = await launch({
    executablePath: chromiumPath,
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...(options.webgpu === undefined ? [] : webgpuFlags[options.webgpu]),
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
