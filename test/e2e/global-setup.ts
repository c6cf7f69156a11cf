import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { TestProject } from 'vitest/node';
import type { AddressInfo } from 'node:net';
import { startDmServer } from '../../src/cli/verbs/server.ts';
import { createAppHandler } from '../../src/server/app-handler.ts';
import { listen } from '../../src/server/listen.ts';
import { CHROMIUM_PATH } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The reference DM server (in memory, CORS for the app's origin), e.g. http://127.0.0.1:40123 */
    dmUrl: string;
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
  // The app server answers /ota-config.json and /proxy like `ota-handset serve` does.
  const config: { dmUrl?: string } = {};
  const handle = createAppHandler({ appDir: dist, dmServer: () => config.dmUrl });
  const server: Server = createServer((req, res) => void handle(req, res));
  const port = await listen(server, 0, '127.0.0.1', 'e2e app server');
  const appOrigin = `http://127.0.0.1:${port}`;
  const dmLog: string[] = [];
  const dm = await startDmServer(
    { port: 0, host: '127.0.0.1', stateFile: undefined, demoMode: true, origins: [appOrigin] },
    { out: () => {}, err: (text) => void dmLog.push(text), readStdin: async () => new Uint8Array() },
  );
  if (!dm) throw new Error(`the reference DM server did not start:\n${dmLog.join('')}`);
  config.dmUrl = `http://127.0.0.1:${(dm.server.address() as AddressInfo).port}`;
  project.provide('baseUrl', `${appOrigin}/`);
  project.provide('dmUrl', config.dmUrl);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dm.close();
  };
}
