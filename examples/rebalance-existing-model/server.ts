// A tiny static server for the browser page: this folder, the exported model, and tfjs's browser bundle.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

/** tfjs's browser bundle from the installed @tensorflow/tfjs package (nothing is fetched from a CDN). */
export function tfjsBundlePath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs/package.json')), 'dist', 'tf.min.js');
}

/** Serves `/` (index.html), `/tf.min.js` and `/model/*` from `modelDir` on 127.0.0.1 (port 0: any free port). */
export async function serveExample(modelDir: string, port = 0): Promise<{ server: Server; url: string }> {
  const roots: Array<[string, string]> = [
    ['/model/', resolve(modelDir)],
    ['/', here],
  ];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file =
      path === '/tf.min.js'
        ? tfjsBundlePath()
        : (() => {
            const [prefix, root] = roots.find(([p]) => path.startsWith(p))!;
            const target = normalize(join(root, path === '/' ? 'index.html' : path.slice(prefix.length)));
            return target.startsWith(root + sep) ? target : undefined;
          })();
    if (file === undefined) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(`not found: ${path}`),
    );
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  return { server, url: `http://127.0.0.1:${actual}/` };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const modelDir = process.argv[2] ?? join(here, 'out', 'exported');
  const { url } = await serveExample(modelDir, Number(process.env.PORT ?? 8080));
  process.stdout.write(`serving ${modelDir} at ${url} (Ctrl-C to stop)\n`);
}
