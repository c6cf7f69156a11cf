/**
 * Multi-message packages, large objects, abort, robustness, package 0 and WBXML
 * (shared/spec/oma-dm.md §3.1, §3.2, §8, §10).
 */
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../../../src/core/bytes/index.ts';
import { buildPackage0 } from '../../../src/core/dm/package0.ts';
import { checkNotification, createSession, runSession } from '../../../src/core/dm/session.ts';
import { createFetchTransport } from '../../../src/adapters/fetch-transport.ts';
import type {
  Alert,
  Command,
  Item,
  Results,
  Status,
  SyncMLMessage,
} from '../../../src/core/syncml/message.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import {
  add,
  addAccount,
  alert,
  codesOf,
  commandIds,
  counterRandom,
  fixedClock,
  get,
  handset,
  replace,
  reply,
  runAgainst,
  SERVER_ID,
  startServer,
  statuses,
} from './harness.ts';

async function withVendor() {
  const h = await handset();
  await h.tree.add(DEVICE, './Vendor', { format: 'node', acl: 'Add=*&Delete=*&Get=*&Replace=*' });
  return h;
}

const snapshot = (tree: Awaited<ReturnType<typeof handset>>['tree']) =>
  JSON.stringify(tree.snapshot().filter((r) => !r.uri.startsWith('./DMAcc')));

describe('multiple messages per package (Alert 1222; oma-dm.md §3.1)', () => {
  it('splits the handset’s reply under a small MaxMsgSize: only the last message has Final, the server asks with 1222', async () => {
    const { tree } = await withVendor();
    for (let i = 0; i < 30; i++)
      await tree.add(DEVICE, `./Vendor/N${i}`, { value: `value-${i}-${'x'.repeat(40)}` });
    const gets = Array.from({ length: 30 }, (_, i) => get(`./Vendor/N${i}`));
    let p2 = undefined as unknown as SyncMLMessage;
    const { session, sent } = await runAgainst(tree, (req, i) => {
      if (i === 0) {
        p2 = reply(req, gets, { maxMsgSize: 2000 });
        return { message: p2 };
      }
      if (!req.message.SyncBody.Final)
        return { message: reply(req, [alert(1222)], { ack: false, final: false }) };
      return { message: reply(req, [], { ack: false }) };
    });
    expect(session.outcome, session.reason).toBe('completed');
    const pkg3 = sent.slice(1);
    expect(pkg3.length).toBeGreaterThan(2);
    pkg3.forEach((m, i) => {
      expect(m.SyncBody.Final).toBe(i === pkg3.length - 1);
      // Every message stays within the server's MaxMsgSize.
    });
    const sizes = session.trace.messages
      .filter((m) => m.direction === 'out')
      .slice(1)
      .map((m) => m.size);
    for (const s of sizes) expect(s).toBeLessThanOrEqual(2000);
    // All 30 Gets got their Status and Results across the messages, each Results after its Status.
    const all = pkg3.flatMap((m) => m.SyncBody.commands);
    const ids = commandIds(p2);
    for (const id of ids) {
      expect(
        all.filter((c) => c.kind === 'Status' && c.CmdRef === id).map((c) => (c as Status).Data),
      ).toEqual([200]);
      const ri = all.findIndex((c) => c.kind === 'Results' && c.CmdRef === id);
      const si = all.findIndex((c) => c.kind === 'Status' && c.CmdRef === id);
      expect(ri).toBeGreaterThan(si);
    }
    // Each later message answers the server's Alert 1222 with a Status.
    expect(pkg3[1]!.SyncBody.commands.some((c) => c.kind === 'Status' && c.Cmd === 'Alert')).toBe(true);
  });

  it('a server package in two messages: the handset answers the first with Status + Alert 1222 and no Final', async () => {
    const { tree } = await withVendor();
    const { session, sent } = await runAgainst(tree, (req, i) => {
      if (i === 0) return { message: reply(req, [add('./Vendor/A', '1')], { final: false }) };
      if (i === 1) return { message: reply(req, [add('./Vendor/B', '2')], { ack: false }) };
      return { message: reply(req, [], { ack: false }) };
    });
    expect(sent[1]!.SyncBody.Final).toBe(false);
    expect(sent[1]!.SyncBody.commands.some((c) => c.kind === 'Alert' && c.Data === 1222)).toBe(true);
    expect(statuses(sent[1]!).map((s) => s.Data)).toEqual([200]);
    expect(sent[2]!.SyncBody.Final).toBe(true);
    expect(session.outcome, session.reason).toBe('completed');
    expect(tree.record('./Vendor/B')).toBeDefined();
  });
});

describe('large objects (oma-dm.md §10)', () => {
  const big = Array.from({ length: 600 }, (_, i) => `line ${i};`).join('');

  it('sends a value larger than the message in chunks: MoreData on all but the last, Size only in the first', async () => {
    const { tree } = await withVendor();
    await tree.add(DEVICE, './Vendor/Big', { value: big });
    let p2 = undefined as unknown as SyncMLMessage;
    const { session, sent } = await runAgainst(tree, (req, i) => {
      if (i === 0) {
        p2 = reply(req, [get('./Vendor/Big')], { maxMsgSize: 1500 });
        return { message: p2 };
      }
      const chunk = req.message.SyncBody.commands.find((c): c is Results => c.kind === 'Results');
      const acks: Command[] = [];
      if (chunk?.Items[0]?.MoreData) {
        return { message: reply(req, [alert(1222)], { ack: false, final: false }) };
      }
      return { message: reply(req, acks, { ack: false }) };
    });
    expect(session.outcome, session.reason).toBe('completed');
    const chunks = sent.flatMap((m) => m.SyncBody.commands).filter((c): c is Results => c.kind === 'Results');
    expect(chunks.length).toBeGreaterThan(2);
    const items: Item[] = chunks.map((r) => r.Items[0]!);
    expect(items.slice(0, -1).every((i) => i.MoreData === true)).toBe(true);
    expect(items[items.length - 1]!.MoreData).toBeFalsy();
    expect(items[0]!.Meta?.Size).toBe(big.length);
    expect(items.slice(1).every((i) => i.Meta?.Size === undefined)).toBe(true);
    expect(items.map((i) => i.Data).join('')).toBe(big);
    expect(chunks.every((r) => r.CmdRef === commandIds(p2)[0])).toBe(true);
  });

  it('reassembles a chunked Replace: 213 per chunk, then 200 and the whole value', async () => {
    const { tree } = await withVendor();
    await tree.add(DEVICE, './Vendor/Big', { value: 'old' });
    const parts = [big.slice(0, 2000), big.slice(2000, 4000), big.slice(4000)];
    const chunk = (data: string, first: boolean, more: boolean): Command => {
      const item: Item = { Target: { LocURI: './Vendor/Big' }, Data: data };
      if (first) item.Meta = { Size: big.length };
      if (more) item.MoreData = true;
      return { kind: 'Replace', CmdID: '', Items: [item] };
    };
    const codes: number[][] = [];
    const { session, sent } = await runAgainst(tree, (req, i) => {
      if (i > 0) codes.push(statuses(req.message).map((s) => s.Data));
      if (i === 0) return { message: reply(req, [chunk(parts[0]!, true, true)], { final: false }) };
      if (i === 1)
        return { message: reply(req, [chunk(parts[1]!, false, true)], { ack: false, final: false }) };
      if (i === 2) return { message: reply(req, [chunk(parts[2]!, false, false)], { ack: false }) };
      return { message: reply(req, [], { ack: false }) };
    });
    expect(codes).toEqual([[213], [213], [200]]);
    expect(sent[1]!.SyncBody.Final).toBe(false);
    expect(session.outcome, session.reason).toBe('completed');
    expect(tree.get(DEVICE, './Vendor/Big').value).toBe(big);
  });

  it('size mismatch on the last chunk: 424 and nothing committed', async () => {
    const { tree } = await withVendor();
    await tree.add(DEVICE, './Vendor/Big', { value: 'old' });
    const { sent } = await runAgainst(tree, (req, i) => {
      if (i === 0)
        return {
          message: reply(
            req,
            [
              {
                kind: 'Replace',
                CmdID: '',
                Items: [
                  { Target: { LocURI: './Vendor/Big' }, Meta: { Size: 10 }, Data: 'abc', MoreData: true },
                ],
              },
            ],
            {
              final: false,
            },
          ),
        };
      if (i === 1)
        return {
          message: reply(
            req,
            [{ kind: 'Replace', CmdID: '', Items: [{ Target: { LocURI: './Vendor/Big' }, Data: 'def' }] }],
            { ack: false },
          ),
        };
      return { message: reply(req, [], { ack: false }) };
    });
    expect(statuses(sent[2]!).map((s) => s.Data)).toEqual([424]);
    expect(tree.get(DEVICE, './Vendor/Big').value).toBe('old');
  });

  it('a new command before the last chunk: Alert 1225 with the original target, nothing committed, the new command runs', async () => {
    const { tree } = await withVendor();
    await tree.add(DEVICE, './Vendor/Big', { value: 'old' });
    const { sent } = await runAgainst(tree, (req, i) => {
      if (i === 0)
        return {
          message: reply(
            req,
            [
              {
                kind: 'Replace',
                CmdID: '',
                Items: [
                  { Target: { LocURI: './Vendor/Big' }, Meta: { Size: 10 }, Data: 'abcde', MoreData: true },
                ],
              },
            ],
            {
              final: false,
            },
          ),
        };
      if (i === 1) return { message: reply(req, [add('./Vendor/Other', 'x')], { ack: false }) };
      return { message: reply(req, [], { ack: false }) };
    });
    const a = sent[2]!.SyncBody.commands.find((c): c is Alert => c.kind === 'Alert' && c.Data === 1225);
    expect(a?.Items[0]?.Target?.LocURI).toBe('./Vendor/Big');
    expect(tree.get(DEVICE, './Vendor/Big').value).toBe('old');
    expect(tree.get(DEVICE, './Vendor/Other').value).toBe('x');
  });
});

describe('session abort (Alert 1223; oma-dm.md §3.2)', () => {
  it('from the server: the session ends, the handset does not answer', async () => {
    const { tree } = await withVendor();
    const { session, sent } = await runAgainst(tree, (req) => ({ message: reply(req, [alert(1223)]) }));
    expect(sent).toHaveLength(1);
    expect(session.outcome).toBe('aborted-by-server');
  });

  it('from the handset: the next message carries Alert 1223 and Final', async () => {
    const { tree } = await withVendor();
    const server = await startServer((req, i) =>
      i === 0
        ? { message: reply(req, [add('./Vendor/A', '1')]) }
        : { message: reply(req, [], { ack: false }) },
    );
    try {
      await addAccount(tree, { url: server.url });
      const session = createSession({
        tree,
        serverId: SERVER_ID,
        clock: fixedClock(),
        random: counterRandom(),
        encoding: 'xml',
      });
      const t = createFetchTransport();
      const out1 = session.nextMessage()!;
      const r1 = await t.post(out1.url, out1.body, out1.headers);
      await session.receive(r1);
      session.abort('The tester pressed Stop.');
      await runSession(session, t);
      const last = server.received[server.received.length - 1]!.message;
      expect(last.SyncBody.commands.some((c) => c.kind === 'Alert' && c.Data === 1223)).toBe(true);
      expect(last.SyncBody.Final).toBe(true);
      // Status for work already done goes with the abort.
      expect(statuses(last).map((s) => s.Data)).toEqual([200]);
      expect(session.outcome).toBe('aborted-by-client');
      expect(session.reason).toBe('The tester pressed Stop.');
    } finally {
      await server.close();
    }
  });
});

describe('robustness', () => {
  it('a dropped connection mid-session ends it with a reason; the first package’s effects stay, nothing else', async () => {
    const { tree } = await withVendor();
    const { session, sent } = await runAgainst(tree, (req, i) => {
      if (i === 0) return { message: reply(req, [add('./Vendor/A', '1')]) };
      return { destroy: true };
    });
    expect(sent).toHaveLength(2);
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/connection/i);
    expect(session.trace.error?.code).toBe('transport-network');
    expect(tree.get(DEVICE, './Vendor/A').value).toBe('1');
  });

  it('an HTTP error ends the session with the status in the reason', async () => {
    const { tree } = await withVendor();
    const { session } = await runAgainst(tree, [{ httpStatus: 503 }]);
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/HTTP 503/);
  });

  it('a malformed reply ends the session; the tree is unchanged', async () => {
    const { tree } = await withVendor();
    const before = snapshot(tree);
    const { session } = await runAgainst(tree, [
      { raw: encodeUtf8('<SyncML><SyncHdr>'), contentType: 'application/vnd.syncml.dm+xml' },
    ]);
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/could not be read/);
    expect(snapshot(tree)).toBe(before);
  });

  it('a server that never stops sending commands is cut off at the message bound', async () => {
    const { tree } = await withVendor();
    const { session, sent } = await runAgainst(
      tree,
      (req) => ({ message: reply(req, [get('./DevInfo/Man')], { final: false }) }),
      {
        maxMessages: 12,
      },
    );
    expect(sent).toHaveLength(12);
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/12 messages/);
  });

  it('a reply for another SessionID is refused', async () => {
    const { tree } = await withVendor();
    const { session } = await runAgainst(tree, (req) => {
      const m = reply(req);
      m.SyncHdr.SessionID = 'FFFF';
      return { message: m };
    });
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/FFFF/);
  });
});

describe('server-initiated session from package 0 (oma-dm.md §8)', () => {
  it('verifies the digest with SRVCRED, sends Alert 1200 with the session id as upper-case hex', async () => {
    const { tree } = await withVendor();
    const nonce = encodeUtf8('srv-nonce');
    const server = await startServer((req) => ({ message: reply(req) }));
    try {
      await addAccount(tree, {
        url: server.url,
        client: { type: 'BASIC', name: 'u', secret: 'p' },
        server: { type: 'DIGEST', name: SERVER_ID, secret: 'srvpass', nonce },
      });
      const pkg0 = buildPackage0(
        { uiMode: 'user-interaction', initiator: 'server', sessionId: 0x002a, serverId: SERVER_ID },
        { password: 'srvpass', nonce },
      );
      const check = checkNotification(tree, pkg0);
      expect(check.ok).toBe(true);
      if (!check.ok) return;
      expect(check.sessionId).toBe('2A');
      expect(check.consent).toBe('ask-user');
      const session = createSession({
        tree,
        serverId: SERVER_ID,
        clock: fixedClock(),
        random: counterRandom(),
        notification: check,
        encoding: 'xml',
      });
      await runSession(session, createFetchTransport());
      const p1 = server.received[0]!.message;
      expect(p1.SyncHdr.SessionID).toBe('2A');
      expect(p1.SyncBody.commands[0]).toMatchObject({ kind: 'Alert', Data: 1200 });
      expect(session.trace.initiator).toBe('server');

      const forged = buildPackage0(
        { uiMode: 'background', initiator: 'server', sessionId: 7, serverId: SERVER_ID },
        { password: 'wrong', nonce },
      );
      const bad = checkNotification(tree, forged);
      expect(bad).toMatchObject({ ok: false, code: 'digest-mismatch' });
      expect(checkNotification(tree, new Uint8Array(5))).toMatchObject({ ok: false, code: 'malformed' });
    } finally {
      await server.close();
    }
  });
});

describe('WBXML and generic alerts', () => {
  it('runs a whole session in WBXML (content type application/vnd.syncml.dm+wbxml)', async () => {
    const { tree } = await withVendor();
    let p2 = undefined as unknown as SyncMLMessage;
    const { session, server, sent } = await runAgainst(
      tree,
      (req, i) => {
        if (i === 0) {
          p2 = reply(req, [add('./Vendor/W', 'wbxml value'), get('./Vendor/W')]);
          return { message: p2 };
        }
        return { message: reply(req, [], { ack: false }) };
      },
      { encoding: 'wbxml' },
    );
    expect(server.received[0]!.headers['content-type']).toBe('application/vnd.syncml.dm+wbxml');
    expect(server.received[0]!.encoding).toBe('wbxml');
    expect(session.outcome, session.reason).toBe('completed');
    const ids = commandIds(p2);
    expect(codesOf(sent[1]!, ids[0]!)).toEqual([200]);
    const res = sent[1]!.SyncBody.commands.find((c): c is Results => c.kind === 'Results');
    expect(res?.Items[0]?.Data).toBe('wbxml value');
    expect(session.trace.messages[0]!.text).toContain('<SyncML');
  });

  it('follows the reply’s encoding: a WBXML handset answered in XML continues in XML', async () => {
    const { tree } = await withVendor();
    const { session, server } = await runAgainst(
      tree,
      (req, i) =>
        i === 0
          ? { message: reply(req, [add('./Vendor/E', '1')]), encoding: 'xml' }
          : { message: reply(req, [], { ack: false }) },
      { encoding: 'wbxml' },
    );
    expect(server.received.map((r) => r.encoding)).toEqual(['wbxml', 'xml']);
    expect(session.outcome, session.reason).toBe('completed');
  });

  it('queueGenericAlert sends Alert 1226 with Meta Type/Format and the Correlator', async () => {
    const { tree } = await withVendor();
    const { sent } = await runAgainst(tree, (req) => ({ message: reply(req) }), {
      genericAlerts: [
        {
          type: 'Reversed-Domain-Name: net.example.ota-handset.locked-change-declined',
          format: 'chr',
          mark: 'warning',
          source: './MMS/1',
          data: 'The user declined a change of the active MMS settings.',
          correlator: 'c-1',
        },
      ],
    });
    const g = sent[0]!.SyncBody.commands.find((c): c is Alert => c.kind === 'Alert' && c.Data === 1226);
    expect(g?.Correlator).toBe('c-1');
    expect(g?.Items[0]?.Meta).toMatchObject({ Format: 'chr', Mark: 'warning' });
    expect(g?.Items[0]?.Source?.LocURI).toBe('./MMS/1');
    void replace;
  });
});
