/**
 * The push channel (SSE) and the push API: CP pushes (WSP PDU with SEC/MAC, oma-cp.md §6, §8),
 * CP and DM bootstraps (§5, §9) and package 0 (oma-dm.md §8), checked with the handset's own
 * parsers and security checks.
 */
import { describe, expect, it } from 'vitest';
import { parseBase64 } from '../../../src/core/bytes/index.ts';
import { parsePush } from '../../../src/core/cp/push.ts';
import { verifyPush } from '../../../src/core/cp/security.ts';
import { decodeNonce } from '../../../src/core/dm/auth.ts';
import { parsePackage0, verifyPackage0 } from '../../../src/core/dm/package0.ts';
import { decodeWbxml } from '../../../src/core/wbxml/index.ts';
import { readSyncML } from '../../../src/core/syncml/read.ts';
import type { PushEvent } from '../../../src/core/dm-server/pushes.ts';
import { shippedServerFixture } from './dm-server-client.ts';

const setup = shippedServerFixture();

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
    text,
  };
}

/** Reads SSE events from a stream until `count` push events arrived (bounded by `maxChunks`). */
async function readEvents(res: Response, count: number, maxChunks = 50): Promise<PushEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: PushEvent[] = [];
  for (let i = 0; i < maxChunks && events.length < count; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let at: number;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (block.includes('event: push') && data) events.push(JSON.parse(data.slice(6)) as PushEvent);
    }
  }
  await reader.cancel();
  return events;
}

describe('push channel (SSE)', () => {
  it('delivers a CP push to the open stream of that device only, as a signed WSP push', async () => {
    const { base } = await setup();
    const stream = await fetch(`${base}/push/events?device=IMEI:A`, {
      headers: { Origin: 'http://127.0.0.1:4173' },
    });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4173');
    const other = await post(base, '/api/push', {
      device: 'IMEI:B',
      kind: 'cp',
      fromScenario: 'poc-provisioning',
    });
    expect(other.json.delivered).toBe(0);
    const sent = await post(base, '/api/push', {
      device: 'IMEI:A',
      kind: 'cp',
      fromScenario: 'poc-provisioning',
    });
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ delivered: 1, pin: '1234' });
    const [event] = await readEvents(stream, 1);
    expect(event).toMatchObject({
      devId: 'IMEI:A',
      kind: 'cp',
      encoding: 'base64',
      contentType: 'application/vnd.wap.connectivity-wbxml',
      sec: 'USERPIN',
    });
    expect(event!.title).toMatch(/Push-to-talk/);
    const pdu = parsePush(parseBase64(event!.bytes));
    expect(pdu.contentType.name).toBe('application/vnd.wap.connectivity-wbxml');
    expect(pdu.contentType.params.sec).toBe(1);
    expect(
      verifyPush({ sec: 1, mac: pdu.contentType.params.mac!, body: pdu.body, pin: '1234' }).authentic,
    ).toBe(true);
    expect(
      verifyPush({ sec: 1, mac: pdu.contentType.params.mac!, body: pdu.body, pin: '9999' }).authentic,
    ).toBe(false);
    const doc = decodeWbxml(pdu.body).document;
    expect(doc.root.name).toBe('wap-provisioningdoc');
    expect(JSON.stringify(doc)).toContain('ap0001');
  });

  it('keeps pushes for a device without a stream and delivers them when it connects', async () => {
    const { base } = await setup();
    const r = await post(base, '/api/push', { device: 'IMEI:C', kind: 'package0', uiMode: 'background' });
    expect(r.json.delivered).toBe(0);
    const stream = await fetch(`${base}/push/events?device=IMEI:C`);
    const [event] = await readEvents(stream, 1);
    expect(event?.kind).toBe('package0');
  });

  it('package 0: version 11, server initiator, UI mode, SessionID in hex, digest with the server secret and device nonce', async () => {
    const { base, server: s } = await setup();
    for (const uiMode of ['not-specified', 'background', 'informative', 'user-interaction'] as const) {
      const r = await post(base, '/api/push', {
        device: 'IMEI:D',
        kind: 'package0',
        uiMode,
        authority: 'ota-enterprise',
      });
      const event = r.json.event as PushEvent;
      const pdu = parsePush(parseBase64(event.bytes));
      expect(pdu.contentType.name).toBe('application/vnd.syncml.notification');
      expect(pdu.applicationIdCode).toBe(0x07);
      const p0 = parsePackage0(pdu.body);
      expect(p0).toMatchObject({ version: 11, uiMode, initiator: 'server', serverId: 'ota-enterprise' });
      expect(event.sessionId).toBe(p0.sessionId.toString(16).toUpperCase());
      const account = s.store.get('IMEI:D')!.accounts['ota-enterprise']!;
      expect(
        verifyPackage0(
          p0,
          { password: account.serverSecret, nonce: decodeNonce(account.serverNonce) },
          { allowFallback: false },
        ).ok,
      ).toBe(true);
      expect(
        verifyPackage0(
          p0,
          { password: 'wrong', nonce: decodeNonce(account.serverNonce) },
          { allowFallback: false },
        ).ok,
      ).toBe(false);
    }
  });

  it('DM bootstrap: WBXML SyncML adding ./DMAcc/<x> with both credentials, content type 0x42, app id 0x07, NETWPIN-signed', async () => {
    const { base, server: s } = await setup();
    const r = await post(base, '/api/push', {
      device: 'IMEI:E',
      kind: 'dm-bootstrap',
      sec: 'NETWPIN',
      imsi: '262022033864727',
    });
    expect(r.status).toBe(200);
    const pdu = parsePush(parseBase64((r.json.event as PushEvent).bytes));
    expect(pdu.contentType.name).toBe('application/vnd.syncml.dm+wbxml');
    expect(pdu.applicationIdCode).toBe(0x07);
    expect(
      verifyPush({ sec: 0, mac: pdu.contentType.params.mac!, body: pdu.body, imsi: '262022033864727' })
        .authentic,
    ).toBe(true);
    const msg = readSyncML(decodeWbxml(pdu.body).document);
    const targets = msg.SyncBody.commands.flatMap((c) =>
      'Items' in c ? c.Items.map((i) => i.Target?.LocURI) : [],
    );
    expect(targets).toContain('./DMAcc/ota-operator/ServerID');
    expect(targets).toContain('./DMAcc/ota-operator/AppAuth/2/AAuthLevel');
    const account = s.store.get('IMEI:E')!.accounts['ota-operator']!;
    expect(JSON.stringify(msg)).toContain(account.clientSecret);
  });

  it('CP bootstrap (w7) with USERPINMAC tells the operator what the user types', async () => {
    const { base } = await setup();
    const r = await post(base, '/api/push', {
      device: 'IMEI:F',
      kind: 'cp-bootstrap',
      sec: 'USERPINMAC',
      pin: '12345',
    });
    expect(r.status).toBe(200);
    expect(r.json.userEntry).toMatch(/^12345\d{5}$/);
    const pdu = parsePush(parseBase64((r.json.event as PushEvent).bytes));
    expect(verifyPush({ sec: 3, body: pdu.body, pin: r.json.userEntry }).authentic).toBe(true);
    expect(JSON.stringify(decodeWbxml(pdu.body).document)).toContain('w7');
  });

  it('refuses bad push requests with 400 and a reason', async () => {
    const { base } = await setup();
    expect((await post(base, '/api/push', { device: 'X', kind: 'nope' })).status).toBe(400);
    expect((await post(base, '/api/push', { kind: 'package0' })).text).toMatch(/"device" is required/);
    expect(
      (await post(base, '/api/push', { device: 'X', kind: 'cp-bootstrap', sec: 'NETWPIN' })).text,
    ).toMatch(/IMSI/);
    expect(
      (await post(base, '/api/push', { device: 'X', kind: 'cp', sec: 'none', document: [{ parms: {} }] }))
        .text,
    ).toMatch(/type/);
    const bad = await fetch(`${base}/api/push`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
  });
});

describe('access token off loopback (decision 0072)', () => {
  it('requires the token on the console, the push channel and the API, not on the DM endpoint', async () => {
    const { base } = await setup({ accessToken: 's3cret' });
    expect((await fetch(`${base}/console`)).status).toBe(401);
    expect((await fetch(`${base}/push/events?device=X`)).status).toBe(401);
    expect((await fetch(`${base}/api/devices`)).status).toBe(401);
    expect((await fetch(`${base}/api/devices?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base}/api/devices`, { headers: { 'x-ota-token': 's3cret' } })).status).toBe(200);
    const page = await fetch(`${base}/console?token=s3cret`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(
      (await fetch(`${base}/dm`, { method: 'POST', headers: { 'Content-Type': 'text/plain' } })).status,
    ).toBe(415);
  });

  it('serves the console and its assets without a token on loopback', async () => {
    const { base } = await setup();
    const html = await (await fetch(`${base}/console`)).text();
    expect(html).toContain('Operator console');
    expect((await fetch(`${base}/console/console.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/console/../dm-server.ts`)).status).toBe(404);
    const js = await (await fetch(`${base}/console/console.js`)).text();
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML/);
  });
});

describe('starting a scenario through the API', () => {
  it('queues it, sends its pushes and the first notification, and lists it on the device', async () => {
    const { base } = await setup();
    const r = await post(base, '/api/scenarios/start', {
      device: 'IMEI:S',
      scenario: 'two-authorities',
      notify: 'informative',
    });
    expect(r.status).toBe(200);
    expect(r.json.pushes.map((p: { kind: string }) => p.kind)).toEqual(['dm-bootstrap', 'package0']);
    const device = await (await fetch(`${base}/api/devices/IMEI%3AS`)).json();
    expect(device.scenarios).toMatchObject([
      { name: 'two-authorities', state: 'pending', session: 0, sessions: 3 },
    ]);
    expect((await post(base, '/api/scenarios/start', { device: 'IMEI:S', scenario: 'nope' })).status).toBe(
      404,
    );
    expect(
      (
        await post(base, '/api/scenarios/start', {
          device: 'IMEI:S',
          scenario: 'mms-campaign',
          notify: 'loud',
        })
      ).status,
    ).toBe(400);
  });
});
