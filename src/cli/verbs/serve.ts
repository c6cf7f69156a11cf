import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { createAppHandler } from '../../server/app-handler.ts';
import { isLoopbackHost, parseAllowList, proxyPolicy } from '../../server/dm-proxy.ts';
import { listen } from '../../server/listen.ts';
import { parsePort } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { DEFAULT_STATE_FILE, startDmServer } from './server.ts';
import { DEFAULT_DM_PORT } from '../../server/dm-server.ts';

const defaultAppDir = fileURLToPath(new URL('../../../dist', import.meta.url));

export const serveVerb: Verb = {
  name: 'serve',
  summary: 'serve the built handset app on 127.0.0.1 (what `npm start` runs)',
  usage: [
    'Usage: ota-handset serve [--port N] [--host ADDR] [--app-dir DIR] [--dm-port N] [--no-dm] [--proxy-allow O]',
    '',
    '  --port N       port for the app (default: $OTA_APP_PORT or 4173; 0 picks a free port)',
    '  --host ADDR    address to listen on (default: $OTA_HOST or 127.0.0.1)',
    '  --app-dir DIR  the built app (default: dist/, made by `npm run build`)',
    '  --dm-port N    port of the reference DM server started next to the app (default: $OTA_DM_PORT or 4180)',
    `  --dm-state F   its state file (default: ${DEFAULT_STATE_FILE}; - for memory only)`,
    '  --no-dm        do not start the DM server',
    '  --proxy-allow O  comma-separated origins the /proxy path may reach; the app posts to DM servers',
    '                 without CORS headers through POST /proxy?target=<url>. Default: any http(s) URL',
    '                 on a loopback --host (127.0.0.1, ::1, localhost); on any other address only the',
    '                 reference DM server started here (nothing with --no-dm), so /proxy is no open relay',
    '',
    'The app also reads /ota-config.json: the DM server (push channel) and the proxy path.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'app-dir': { type: 'string' },
        'dm-port': { type: 'string' },
        'dm-state': { type: 'string' },
        'no-dm': { type: 'boolean' },
        'proxy-allow': { type: 'string' },
      },
      strict: true,
    });
    const port = parsePort(values.port ?? process.env.OTA_APP_PORT, 4173, '--port');
    const host = values.host ?? process.env.OTA_HOST ?? '127.0.0.1';
    const appDir = values['app-dir'] ?? defaultAppDir;
    if (!existsSync(`${appDir}/index.html`)) {
      io.err(`error not-built: no app in ${appDir}; run \`npm run build\` first (\`npm start\` does both)\n`);
      return EXIT.failed;
    }
    let allowOrigins: string[] | undefined;
    if (values['proxy-allow'] !== undefined) {
      try {
        allowOrigins = parseAllowList(values['proxy-allow']);
      } catch (error) {
        throw new UsageError(`--proxy-allow: ${(error as Error).message}`);
      }
    }
    let dmServerUrl: string | undefined;
    const handle = createAppHandler({
      appDir,
      dmServer: () => dmServerUrl,
      proxy: proxyPolicy(host, allowOrigins, () => dmServerUrl),
    });
    const server = createServer((req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    let actual: number;
    try {
      actual = await listen(server, port, host, 'app');
      io.out(`ota-handset app:  http://${host}:${actual}/\n`);
      if (allowOrigins === undefined && !isLoopbackHost(host))
        io.out(
          `/proxy reaches only the reference DM server (${host} is not a loopback address); --proxy-allow adds others\n`,
        );
    } catch (error) {
      io.err(`error port-in-use: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
    let dm: Awaited<ReturnType<typeof startDmServer>>;
    if (values['no-dm'] !== true) {
      const dmPort = parsePort(values['dm-port'] ?? process.env.OTA_DM_PORT, DEFAULT_DM_PORT, '--dm-port');
      const dmState = values['dm-state'] ?? process.env.OTA_DM_STATE ?? DEFAULT_STATE_FILE;
      const appOrigin = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
      dm = await startDmServer(
        {
          port: dmPort,
          host,
          stateFile: dmState === '-' ? undefined : dmState,
          demoMode: true,
          origins: [appOrigin],
          ...(process.env.OTA_DM_TOKEN ? { token: process.env.OTA_DM_TOKEN } : {}),
        },
        io,
      );
      if (!dm) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        return EXIT.failed;
      }
      const dmHost =
        host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      dmServerUrl = `http://${dmHost}:${(dm.server.address() as AddressInfo).port}`;
    }
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => void (dm ? dm.close().then(resolve) : resolve()));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT.ok;
  },
};
