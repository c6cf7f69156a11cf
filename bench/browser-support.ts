/**
 * What the Chromium benchmarks share: a static server for a built directory on 127.0.0.1 and
 * the vite build of the app (or of a bench page) into a temporary directory of its own.
 * The browser itself comes from test/e2e/browser.ts (Debian Chromium and its flags).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaticAppHandler } from '../src/server/static-app.ts';
import { listen } from '../src/server/listen.ts';

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` as the app server does (index.html fallback, immutable assets). */
export async function serveDir(dir: string): Promise<Served> {
  const handler = createStaticAppHandler(dir);
  const server = createServer((req, res) => void handler(req, res));
  const port = await listen(server, 0, '127.0.0.1', 'bench static server');
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `vite build` of the app into a new temporary directory (never the shared dist/). */
export function buildApp(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'ota-bench-app-'));
  execFileSync(
    'node_modules/.bin/vite',
    ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return outDir;
}
