import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppHandler } from '../../../src/server/app-handler.ts';
import { isLoopbackHost, parseAllowList, proxyPolicy } from '../../../src/server/dm-proxy.ts';
import { listen } from '../../../src/server/listen.ts';
import { loadOtaConfig, useProxyFor } from '../../../src/adapters/ota-config.ts';
import { createFetchTransport } from '../../../src/adapters/fetch-transport.ts';

/** A fake DM server that echoes what it received, with CORS-less SyncML replies. */
interface Seen {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

async function start(server: Server): Promise<string> {
  const port = await listen(server, 0, '127.0.0.1', 'test');
  return `http://127.0.0.1:${port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('ota-handset serve: /proxy and /ota-config.json', () => {
  const seen: Seen[] = [];
  let dm: Server;
  let dmBase: string;
  let slow: Server;
  let slowBase: string;
  const apps: Server[] = [];

  async function app(options: Parameters<typeof createAppHandler>[0]['proxy'], dmServer?: string) {
    const root = mkdtempSync(join(tmpdir(), 'ota-proxy-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    const handle = createAppHandler({ appDir: root, dmServer: () => dmServer, proxy: options ?? {} });
    const server = createServer((req, res) => void handle(req, res));
    apps.push(server);
    return start(server);
  }

  beforeAll(async () => {
    dm = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks) });
        const status = req.url === '/dm/missing' ? 404 : 200;
        res.writeHead(status, {
          'content-type': 'application/vnd.syncml.dm+wbxml',
          'x-syncml-hmac': 'algorithm=MD5, username="srv", mac=abc=',
          'x-private': 'not forwarded',
        });
        res.end(Buffer.from([0x02, 0xa4, 0x01, 0x6a, 0x00, ...Buffer.concat(chunks)]));
      });
    });
    dmBase = await start(dm);
    slow = createServer(() => {
      /* never answers */
    });
    slowBase = await start(slow);
  });
  afterAll(async () => {
    await Promise.all([dm, slow, ...apps].map(close));
  });

  it('forwards a SyncML POST byte-exact with its SyncML headers, and the reply with status, type and HMAC', async () => {
    const base = await app({});
    const body = new Uint8Array([0x02, 0xa4, 0x01, 0x6a, 0x00, 0x6d, 0xff]);
    const res = await fetch(`${base}/proxy?target=${encodeURIComponent(`${dmBase}/dm?x=1`)}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/vnd.syncml.dm+wbxml',
        accept: 'application/vnd.syncml.dm+wbxml',
        'x-syncml-hmac': 'algorithm=MD5, username="dev", mac=xyz=',
        cookie: 'secret=1',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.syncml.dm+wbxml');
    expect(res.headers.get('x-syncml-hmac')).toBe('algorithm=MD5, username="srv", mac=abc=');
    expect(res.headers.get('x-private')).toBeNull();
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0x02, 0xa4, 0x01, 0x6a, 0x00, ...body]);
    const last = seen.at(-1)!;
    expect([...last.body]).toEqual([...body]);
    expect(last.headers['x-syncml-hmac']).toBe('algorithm=MD5, username="dev", mac=xyz=');
    expect(last.headers['content-type']).toBe('application/vnd.syncml.dm+wbxml');
    expect(last.headers.cookie).toBeUndefined();
  });

  it("passes the server's HTTP status through", async () => {
    const base = await app({});
    const res = await fetch(`${base}/proxy?target=${encodeURIComponent(`${dmBase}/dm/missing`)}`, {
      method: 'POST',
      body: 'x',
    });
    expect(res.status).toBe(404);
  });

  it('refuses bad targets, other origins than the allowed ones, other methods and big bodies', async () => {
    const base = await app({ allowOrigins: [dmBase], maxBody: 16 });
    const post = (target: string, body: string = 'x') =>
      fetch(`${base}/proxy?target=${encodeURIComponent(target)}`, { method: 'POST', body });
    expect((await fetch(`${base}/proxy`, { method: 'POST', body: 'x' })).status).toBe(400);
    const file = await post('file:///etc/passwd');
    expect(file.status).toBe(400);
    expect(await file.text()).toContain('only http and https');
    const other = await post('http://127.0.0.2:9/dm');
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('not in the allowed origins');
    expect((await post(`${dmBase}/dm`)).status).toBe(200);
    expect((await post(`${dmBase}/dm`, 'x'.repeat(17))).status).toBe(413);
    expect((await fetch(`${base}/proxy?target=${encodeURIComponent(dmBase)}`)).status).toBe(405);
  });

  it('answers 502 with the reason (also in the status line) when the server is down or too slow', async () => {
    const base = await app({ timeoutMs: 300 });
    const deadPort = await (async () => {
      const s = createServer();
      await start(s);
      const port = (s.address() as AddressInfo).port;
      await close(s);
      return port;
    })();
    const down = await fetch(
      `${base}/proxy?target=${encodeURIComponent(`http://127.0.0.1:${deadPort}/dm`)}`,
      {
        method: 'POST',
        body: 'x',
      },
    );
    expect(down.status).toBe(502);
    expect(down.statusText).toContain('could not be reached');
    expect(await down.text()).toContain('ECONNREFUSED');
    const late = await fetch(`${base}/proxy?target=${encodeURIComponent(`${slowBase}/dm`)}`, {
      method: 'POST',
      body: 'x',
    });
    expect(late.status).toBe(502);
    expect(await late.text()).toContain('did not answer within 300 ms');
  });

  it('serves /ota-config.json with the DM server when there is one, and the app otherwise', async () => {
    const withDm = await app({}, 'http://127.0.0.1:4180');
    expect(await (await fetch(`${withDm}/ota-config.json`)).json()).toEqual({
      dmServer: 'http://127.0.0.1:4180',
      proxy: '/proxy?target=',
    });
    const noDm = await app({});
    expect(await (await fetch(`${noDm}/ota-config.json`)).json()).toEqual({ proxy: '/proxy?target=' });
    expect(await (await fetch(`${noDm}/settings`)).text()).toContain('<title>app</title>');
  });

  it('the app reads the config and posts through the proxy for cross-origin servers only', async () => {
    const base = await app({}, dmBase);
    const loaded = await loadOtaConfig((input, init) => fetch(new URL(String(input), base), init));
    expect(loaded).toEqual({ config: { dmServer: dmBase, proxy: '/proxy?target=' } });
    expect(useProxyFor(`${dmBase}/dm`, base, loaded.config)).toBe(true);
    expect(useProxyFor(`${base}/dm`, base, loaded.config)).toBe(false);
    expect(useProxyFor(`${dmBase}/dm`, base, {})).toBe(false);
    const transport = createFetchTransport({
      proxy: `${base}${loaded.config.proxy}`,
    });
    const reply = await transport.post(`${dmBase}/dm`, new Uint8Array([1, 2, 3]), {
      'content-type': 'application/vnd.syncml.dm+wbxml',
    });
    expect([...reply.body].slice(-3)).toEqual([1, 2, 3]);
    const missing = await loadOtaConfig(async () => new Response('no', { status: 404 }));
    expect(missing.config).toEqual({});
    expect(missing.problem).toContain('HTTP 404');
  });

  it('reads --proxy-allow as origins', () => {
    expect(parseAllowList('http://dm.example.net:8080/x, https://b.example')).toEqual([
      'http://dm.example.net:8080',
      'https://b.example',
    ]);
    expect(() => parseAllowList('ftp://x')).toThrow(/not an http/);
    expect(() => parseAllowList('nonsense')).toThrow(/not a URL/);
  });

  it('on a network address without --proxy-allow, reaches only the reference DM server (no open relay)', async () => {
    let dmServer: string | undefined = dmBase;
    const base = await app(proxyPolicy('0.0.0.0', undefined, () => dmServer));
    const post = (target: string) =>
      fetch(`${base}/proxy?target=${encodeURIComponent(target)}`, { method: 'POST', body: 'x' });
    expect((await post(`${dmBase}/dm`)).status).toBe(200);
    const other = await post(`${slowBase}/dm`);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain(
      `only the reference DM server is reachable: ${new URL(dmBase).origin}`,
    );
    expect((await post('http://198.51.100.7/dm')).status).toBe(403);
    // --no-dm: nothing at all.
    dmServer = undefined;
    const none = await post(`${dmBase}/dm`);
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('reachable: none');
  });

  it('picks the proxy policy from the host and --proxy-allow', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'LOCALHOST'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.net', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
    const dm = () => 'http://127.0.0.1:4180';
    // Loopback: anything (only this machine can post to it).
    expect(proxyPolicy('127.0.0.1', undefined, dm)).toEqual({});
    // The allow list always wins.
    expect(proxyPolicy('0.0.0.0', ['http://dm.example.net'], dm)).toEqual({
      allowOrigins: ['http://dm.example.net'],
    });
    const network = proxyPolicy('192.168.1.5', undefined, dm).allowOrigins;
    expect(typeof network === 'function' ? network() : network).toEqual(['http://127.0.0.1:4180']);
  });
});
