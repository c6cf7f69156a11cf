import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticAppHandler } from '../../../src/server/static-app.ts';
import { listen } from '../../../src/server/listen.ts';

describe('static app server', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'ota-static-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'app-123.js'), 'console.log(1)');
    writeFileSync(join(root, 'sw.js'), 'self.x = 1');
    const handler = createStaticAppHandler(root);
    server = createServer((req, res) => void handler(req, res));
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1', 'test')}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves files with their type; hashed assets are immutable, the service worker is revalidated', async () => {
    const js = await fetch(`${base}/assets/app-123.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to index.html for screen paths but not for missing files', async () => {
    expect(await (await fetch(`${base}/settings/about`)).text()).toContain('<title>app</title>');
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);
  });

  it('never serves outside its root', async () => {
    const response = await fetch(`${base}/..%2f..%2fetc%2fpasswd`);
    expect([403, 404]).toContain(response.status);
    expect(await response.text()).not.toContain('root:');
  });

  it('says clearly when the port is taken', async () => {
    const port = Number(new URL(base).port);
    const other = createServer();
    await expect(listen(other, port, '127.0.0.1', 'app')).rejects.toThrow(
      `app: port ${port} on 127.0.0.1 is already in use`,
    );
  });
});
