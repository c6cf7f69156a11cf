/**
 * The reference DM server over HTTP, driven by a scripted client (hand-built SyncML packages).
 * Expected statuses and message shapes: oma-dm.md §1 (transport), §3 (packages), §4 (refs),
 * §7 (authentication), §3.1 / §10 (multiple messages, large objects).
 */
import { describe, expect, it } from 'vitest';
import { decodeNonce, md5Digest, verifyCred } from '../../../src/core/dm/auth.ts';
import type { Command } from '../../../src/core/syncml/message.ts';
import {
  ScriptedClient,
  b64,
  checkServerHmac,
  commandsOf,
  headerStatus,
  shippedServerFixture,
  statusesOf,
} from './dm-server-client.ts';

const setup = shippedServerFixture();

async function register(base: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${base}/api/devices`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

describe('DM endpoint: malformed requests', () => {
  it('answers a wrong content type with 415 and a reason', async () => {
    const { base } = await setup();
    const res = await fetch(`${base}/dm`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/application\/vnd\.syncml\.dm\+xml/);
  });

  it('answers undecodable bytes with 400, in both encodings, and keeps serving', async () => {
    const { base } = await setup();
    for (const [type, body] of [
      ['application/vnd.syncml.dm+xml', '<SyncML><SyncHdr>'],
      ['application/vnd.syncml.dm+xml', '<html><body>not syncml</body></html>'],
      [
        'application/vnd.syncml.dm+wbxml',
        new Uint8Array([0x02, 0xa4, 0x01, 0x6a, 0x00, 0x6d, 0x6c, 0xff, 0xff]),
      ],
      ['application/vnd.syncml.dm+wbxml', new Uint8Array([0xff, 0xfe, 0x00])],
    ] as const) {
      const res = await fetch(`${base}/dm`, { method: 'POST', headers: { 'Content-Type': type }, body });
      expect(res.status, String(body)).toBe(400);
      expect(await res.text()).toMatch(/not a SyncML DM message/);
    }
    const again = await fetch(`${base}/dm`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '',
    });
    expect(again.status).toBe(415);
  });

  it('answers an oversized body with 413', async () => {
    const { base } = await setup({ maxBodyBytes: 2000 });
    const res = await fetch(`${base}/dm`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.syncml.dm+xml' },
      body: `<SyncML>${'x'.repeat(5000)}</SyncML>`,
    });
    expect(res.status).toBe(413);
  });

  it('answers GET on the DM endpoint with 405 and an unknown path with 404', async () => {
    const { base } = await setup();
    expect((await fetch(`${base}/dm`)).status).toBe(405);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });

  it('answers a message for an unknown session with HTTP 404, SyncHdr status 404 and Alert 1223', async () => {
    const { base } = await setup();
    const client = new ScriptedClient(base, 'IMEI:1', '77', { auth: 'none' });
    client.url = `${base}/dm?s=0123456789abcdef`;
    const msg = client.message([{ kind: 'Alert', CmdID: '', Data: 1222, Items: [] }]);
    const reply = await client.post(msg);
    expect(reply.status).toBe(404);
    expect(headerStatus(reply).Data).toBe(404);
    expect(commandsOf(reply)).toMatchObject([{ kind: 'Alert', Data: 1223 }]);
    expect(reply.msg?.SyncBody.Final).toBe(true);
  });
});

describe('CORS for the app (oma-dm.md §16)', () => {
  it('answers the preflight with methods, headers incl. x-syncml-hmac, and exposes x-syncml-hmac', async () => {
    const { base } = await setup();
    const res = await fetch(`${base}/dm`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:4173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-syncml-hmac',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4173');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(
      /content-type.*x-syncml-hmac/,
    );
    expect(res.headers.get('access-control-expose-headers')).toBe('x-syncml-hmac');
  });

  it('does not allow an origin it was not told about', async () => {
    const { base } = await setup();
    const res = await fetch(`${base}/dm`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('authentication of the client (oma-dm.md §7)', () => {
  it('md5: 407 + Chal without Cred, then 212 + Chal for the next session, and runs scenario 1', async () => {
    const { base, server: s } = await setup();
    await register(base, {
      device: 'IMEI:1',
      authType: 'md5',
      clientName: 'handset',
      clientSecret: 'secret',
      clientNonce: b64('first'),
      serverAuthType: 'none',
    });
    s.startScenario(s.store.get('IMEI:1')!, s.scenarios.get('mms-campaign')!);
    const client = new ScriptedClient(base, 'IMEI:1', '1', {
      auth: 'md5',
      name: 'handset',
      secret: 'secret',
      nonce: new TextEncoder().encode('first'),
    });

    // Package 1 without credentials: 407, every command gets a Status, no other commands (§4, §7.4).
    const r1 = await client.post(client.package1(1201, false));
    expect(r1.status).toBe(200);
    const h1 = headerStatus(r1);
    expect(h1.Data).toBe(407);
    expect(h1.Chal?.Meta).toMatchObject({ Type: 'syncml:auth-md5', Format: 'b64' });
    expect(h1.Chal?.Meta.NextNonce).toBeTruthy();
    expect(decodeNonce(h1.Chal!.Meta.NextNonce!).length).toBeGreaterThanOrEqual(16);
    expect(
      statusesOf(r1)
        .slice(1)
        .map((st) => [st.Cmd, st.Data]),
    ).toEqual([
      ['Alert', 407],
      ['Replace', 407],
    ]);
    expect(commandsOf(r1)).toEqual([]);
    expect(r1.msg?.SyncHdr.RespURI).toMatch(/\/dm\?s=[0-9a-f]{32}$/);

    // Package 1 again with md5 over the new nonce, to the RespURI.
    const r2 = await client.post(client.package1());
    const h2 = headerStatus(r2);
    expect(h2.Data).toBe(212);
    expect(h2.Chal?.Meta.NextNonce).toBeTruthy();
    expect(
      statusesOf(r2)
        .slice(1)
        .map((st) => [st.Cmd, st.Data]),
    ).toEqual([
      ['Alert', 200],
      ['Replace', 200],
    ]);
    const cmds = commandsOf(r2);
    expect(cmds.map((c) => c.kind)).toEqual(['Add', 'Replace']);
    const add = cmds[0] as Command & { kind: 'Add' };
    expect(add.Items.map((i) => i.Target?.LocURI)).toEqual([
      './MMS/Campaign',
      './MMS/Campaign/Name',
      './MMS/Campaign/Addr',
      './MMS/Campaign/ProviderId',
    ]);
    expect(add.Items[0]?.Meta?.Format).toBe('node');
    expect(add.Items[2]?.Data).toBe('http://mmsc2.example.net/mms');
    expect(cmds[1]).toMatchObject({
      kind: 'Replace',
      Items: [{ Target: { LocURI: './MMS/Campaign?prop=Active' }, Data: 'true' }],
    });
    expect(r2.msg?.SyncBody.Final).toBe(true);

    // Package 3: statuses only; the server ends the session with a status-only package 4 (§3).
    const r3 = await client.post(client.message(client.answer(r2), true, false));
    expect(headerStatus(r3).Data).toBe(200);
    expect(commandsOf(r3)).toEqual([]);
    expect(r3.msg?.SyncBody.Final).toBe(true);
    const dev = s.store.get('IMEI:1')!;
    expect(dev.scenarios).toEqual([]);
    expect(dev.history.at(-1)).toMatchObject({ state: 'passed' });
    expect(dev.sessions.at(-1)).toMatchObject({ outcome: 'completed', scenario: 'mms-campaign' });
    expect(dev.devInfo['./DevInfo/Man']).toBe('ota-handset');
    // The nonce for the next session is the one of the 212 Chal.
    expect(dev.accounts['ota-operator']?.clientNonce).toBe(h2.Chal?.Meta.NextNonce);
  });

  it('md5: wrong credentials get 401 with a fresh nonce each time, and three failures end the session', async () => {
    const { base, server: s } = await setup();
    await register(base, {
      device: 'IMEI:2',
      authType: 'md5',
      clientName: 'handset',
      clientSecret: 'secret',
      serverAuthType: 'none',
    });
    const client = new ScriptedClient(base, 'IMEI:2', '5', { auth: 'md5', name: 'handset', secret: 'wrong' });
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await client.post(client.package1());
      const h = headerStatus(r);
      expect(h.Data).toBe(401);
      expect(h.Chal?.Meta.Type).toBe('syncml:auth-md5');
      nonces.add(h.Chal!.Meta.NextNonce!);
    }
    expect(nonces.size).toBe(3);
    expect(s.store.get('IMEI:2')!.sessions.at(-1)?.outcome).toBe('auth-failed');
  });

  it('basic: accepted with 212, refused with 401 + a basic Chal', async () => {
    const { base } = await setup();
    await register(base, {
      device: 'IMEI:3',
      authType: 'basic',
      clientName: 'Bruce2',
      clientSecret: 'OhBehave',
    });
    const bad = new ScriptedClient(base, 'IMEI:3', '1', { auth: 'basic', name: 'Bruce2', secret: 'nope' });
    const r0 = await bad.post(bad.package1());
    expect(headerStatus(r0).Data).toBe(401);
    expect(headerStatus(r0).Chal?.Meta.Type).toBe('syncml:auth-basic');
    const good = new ScriptedClient(base, 'IMEI:3', '2', {
      auth: 'basic',
      name: 'Bruce2',
      secret: 'OhBehave',
    });
    const r1 = await good.post(good.package1());
    expect(headerStatus(r1).Data).toBe(212);
    // Nothing queued: the package has no commands and closes the session.
    expect(commandsOf(r1)).toEqual([]);
    expect(r1.msg?.SyncBody.Final).toBe(true);
  });

  it('HMAC both ways: 200 + a new NextNonce on every message, server MAC in x-syncml-hmac', async () => {
    const { base, server: s } = await setup();
    const serverNonce = new TextEncoder().encode('server-nonce-1');
    await register(base, {
      device: 'IMEI:4',
      authType: 'hmac',
      clientName: 'handset',
      clientSecret: 'secret',
      clientNonce: b64('client-nonce'),
      serverAuthType: 'hmac',
      serverSecret: 'srvsecret',
      serverNonce: Buffer.from(serverNonce).toString('base64'),
    });
    s.startScenario(s.store.get('IMEI:4')!, s.scenarios.get('mms-campaign')!);
    const client = new ScriptedClient(base, 'IMEI:4', '9', {
      auth: 'hmac',
      name: 'handset',
      secret: 'secret',
      nonce: new TextEncoder().encode('client-nonce'),
    });
    const r1 = await client.post(client.package1());
    const h1 = headerStatus(r1);
    expect(h1.Data).toBe(200);
    expect(h1.Chal?.Meta.Type).toBe('syncml:auth-MAC');
    expect(checkServerHmac(r1, { name: 'ota-operator', password: 'srvsecret' }, serverNonce)).toBe(true);
    expect(commandsOf(r1).length).toBe(2);

    // Package 3 with the nonce of the last Chal; our status for the server's header issues a new server nonce.
    const answer = client.answer(r1);
    const next = new TextEncoder().encode('server-nonce-2');
    (answer[0] as Command & { kind: 'Status' }).Chal = {
      Meta: { Type: 'syncml:auth-MAC', Format: 'b64', NextNonce: Buffer.from(next).toString('base64') },
    };
    const r2 = await client.post(client.message(answer));
    expect(headerStatus(r2).Data).toBe(200);
    expect(headerStatus(r2).Chal?.Meta.NextNonce).not.toBe(h1.Chal?.Meta.NextNonce);
    expect(checkServerHmac(r2, { name: 'ota-operator', password: 'srvsecret' }, next)).toBe(true);
    expect(s.store.get('IMEI:4')!.history.at(-1)?.state).toBe('passed');
  });

  it('HMAC: a message without the header gets 407, a wrong MAC 401', async () => {
    const { base } = await setup();
    await register(base, {
      device: 'IMEI:5',
      authType: 'hmac',
      clientName: 'handset',
      clientSecret: 'secret',
      serverAuthType: 'none',
    });
    const none = new ScriptedClient(base, 'IMEI:5', '1', { auth: 'none' });
    const r0 = await none.post(none.package1());
    expect(headerStatus(r0).Data).toBe(407);
    expect(headerStatus(r0).Chal?.Meta.Type).toBe('syncml:auth-MAC');
    const wrong = new ScriptedClient(base, 'IMEI:5', '2', {
      auth: 'hmac',
      name: 'handset',
      secret: 'not-it',
    });
    const r1 = await wrong.post(wrong.package1());
    expect(headerStatus(r1).Data).toBe(401);
  });
});

describe('authentication of the server (oma-dm.md §7)', () => {
  it('sends an md5 Cred with the device-issued nonce and resends after a 401 + Chal', async () => {
    const { base, server: s } = await setup();
    await register(base, {
      device: 'IMEI:6',
      authType: 'basic',
      clientName: 'u',
      clientSecret: 'p',
      serverAuthType: 'md5',
      serverSecret: 'srv',
      serverNonce: b64('old'),
    });
    s.startScenario(s.store.get('IMEI:6')!, s.scenarios.get('mms-campaign')!);
    const client = new ScriptedClient(base, 'IMEI:6', '3', { auth: 'basic', name: 'u', secret: 'p' });
    const r1 = await client.post(client.package1());
    const cred = r1.msg?.SyncHdr.Cred;
    expect(cred?.Meta?.Type).toBe('syncml:auth-md5');
    expect(
      verifyCred(cred, { name: 'ota-operator', password: 'srv' }, new TextEncoder().encode('old')).ok,
    ).toBe(true);
    const sent = commandsOf(r1).map((c) => c.kind);

    // Refuse the server's credentials: 401 + Chal with a new nonce; every command 401.
    const fresh = new TextEncoder().encode('fresh-nonce');
    const answer = client.answer(r1, () => ({ code: 401 }));
    (answer[0] as Command & { kind: 'Status' }).Data = 401;
    (answer[0] as Command & { kind: 'Status' }).Chal = {
      Meta: { Type: 'syncml:auth-md5', Format: 'b64', NextNonce: Buffer.from(fresh).toString('base64') },
    };
    const r2 = await client.post(client.message(answer, true, false));
    expect(r2.msg?.SyncHdr.Cred?.Data).toBe(md5Digest({ name: 'ota-operator', password: 'srv' }, fresh));
    expect(commandsOf(r2).map((c) => c.kind)).toEqual(sent);

    // Accept now (212): the scenario completes.
    const ok = client.answer(r2);
    (ok[0] as Command & { kind: 'Status' }).Data = 212;
    const r3 = await client.post(client.message(ok, true, false));
    expect(r3.msg?.SyncHdr.Cred).toBeUndefined();
    expect(commandsOf(r3)).toEqual([]);
    expect(s.store.get('IMEI:6')!.history.at(-1)?.state).toBe('passed');
  });
});

describe('encodings', () => {
  it('answers WBXML in WBXML and XML in XML', async () => {
    const { base } = await setup();
    await register(base, { device: 'IMEI:7', authType: 'basic', clientName: 'u', clientSecret: 'p' });
    const w = new ScriptedClient(base, 'IMEI:7', '1', {
      auth: 'basic',
      name: 'u',
      secret: 'p',
      encoding: 'wbxml',
    });
    const rw = await w.post(w.package1());
    expect(rw.headers.get('content-type')).toBe('application/vnd.syncml.dm+wbxml');
    expect(headerStatus(rw).Data).toBe(212);
    const x = new ScriptedClient(base, 'IMEI:7', '2', {
      auth: 'basic',
      name: 'u',
      secret: 'p',
      encoding: 'xml',
    });
    const rx = await x.post(x.package1());
    expect(rx.headers.get('content-type')).toBe('application/vnd.syncml.dm+xml');
    expect(new TextDecoder().decode(rx.body)).toMatch(/<SyncML/);
  });
});

describe('unknown devices', () => {
  it('demo mode auto-registers with the demo secrets (decision 0070)', async () => {
    const { base, server: s } = await setup();
    const client = new ScriptedClient(base, 'IMEI:new', '1', {
      auth: 'basic',
      name: 'someone',
      secret: 'ota-demo-client',
    });
    const r = await client.post(client.package1());
    expect(headerStatus(r).Data).toBe(212);
    expect(s.store.get('IMEI:new')).toMatchObject({
      registered: 'auto',
      accounts: { 'ota-operator': { clientName: 'someone', authType: 'basic' } },
    });
  });

  it('without demo mode refuses with 403', async () => {
    const { base } = await setup({ demoMode: false });
    const client = new ScriptedClient(base, 'IMEI:stranger', '1', { auth: 'basic', name: 'x', secret: 'y' });
    const r = await client.post(client.package1());
    expect(headerStatus(r).Data).toBe(403);
    expect(
      statusesOf(r)
        .slice(1)
        .every((st) => st.Data === 403),
    ).toBe(true);
  });
});
