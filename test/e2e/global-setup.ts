import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { TestProject } from 'vitest/node';
import { createStaticAppHandler } from '../../src/server/static-app.ts';
import { listen } from '../../src/server/listen.ts';
import { CHROMIUM_PATH } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Serves the built app once for all end-to-end files, after checking that Chromium and the build exist. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `End-to-end tests need Debian's Chromium at ${CHROMIUM_PATH}. Install it with: apt-get install chromium (.ci/run does this).`,
    );
  }
  // OTA_E2E_DIST lets several people (or helper sessions) build and test side by side.
  const dist = process.env.OTA_E2E_DIST ?? 'dist';
  if (!existsSync(`${dist}/index.html`)) {
    throw new Error(
      'End-to-end tests run against the built app: run `npm run build` first (`npm test` does).',
    );
  }
  const serveStatic = createStaticAppHandler(dist);
  const server: Server = createServer((req, res) => void serveStatic(req, res));
  const port = await listen(server, 0, '127.0.0.1', 'e2e app server');
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  return () => new Promise((resolve) => server.close(() => resolve()));
}
