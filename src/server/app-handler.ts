/**
 * What `ota-handset serve` answers on the app's origin: `/ota-config.json` (where the DM server
 * and the proxy are), the same-origin DM proxy, and the built app. The e2e server uses it too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDmProxy, PROXY_PATH, type DmProxyOptions } from './dm-proxy.ts';
import { createStaticAppHandler } from './static-app.ts';

export const OTA_CONFIG_PATH = '/ota-config.json';

export interface AppHandlerOptions {
  appDir: string;
  /** The reference DM server's base URL, once it listens; undefined with --no-dm. */
  dmServer?: () => string | undefined;
  proxy?: DmProxyOptions;
}

/** The JSON the app reads at start. */
export function otaConfigJson(dmServer: string | undefined): string {
  return JSON.stringify({ ...(dmServer !== undefined ? { dmServer } : {}), proxy: `${PROXY_PATH}?target=` });
}

export function createAppHandler(options: AppHandlerOptions) {
  const serveStatic = createStaticAppHandler(options.appDir);
  const proxy = createDmProxy(options.proxy);
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === OTA_CONFIG_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      const body = otaConfigJson(options.dmServer?.());
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (await proxy(req, res)) return;
    await serveStatic(req, res);
  };
}
