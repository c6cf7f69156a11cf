/**
 * Authentication both ways in a session (shared/spec/oma-dm.md §7), with the spec's vectors.
 */
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../src/core/tree/format.ts';
import { encodeUtf8 } from '../../../src/core/bytes/index.ts';
import {
  buildChal,
  buildCred,
  computeMac,
  encodeNonce,
  md5Digest,
  parseHmacHeader,
  AUTH_MAC,
  AUTH_MD5,
} from '../../../src/core/dm/auth.ts';
import type { Status } from '../../../src/core/syncml/message.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import { codesOf, commandIds, handset, replace, reply, runAgainst, statuses } from './harness.ts';

const NONCE = encodeUtf8('Nonce');

describe('syncml:auth-md5 (oma-dm.md §7.2, §7.4)', () => {
  it('sends the spec vector, answers a 401 Chal by resending package 1 with the new nonce, stores the 212 nonce', async () => {
    const { tree } = await handset();
    const next1 = encodeUtf8('second-nonce-0001');
    const next2 = encodeUtf8('next-session-0002');
    const { session, sent } = await runAgainst(
      tree,
      (req, i) => {
        if (i === 0) return { message: reply(req, [], { hdrCode: 401, chal: buildChal(AUTH_MD5, next1) }) };
        return { message: reply(req, [], { hdrCode: 212, chal: buildChal(AUTH_MD5, next2) }) };
      },
      { account: { client: { type: 'DIGEST', name: 'Bruce2', secret: 'OhBehave', nonce: NONCE } } },
    );
    // [PRO 24] example: Bruce2 / OhBehave / nonce "Nonce" -> Zz6EivR3yeaaENcRN6lpAQ==
    expect(sent[0]!.SyncHdr.Cred?.Data).toBe('Zz6EivR3yeaaENcRN6lpAQ==');
    expect(sent[0]!.SyncHdr.Cred?.Meta).toMatchObject({ Type: 'syncml:auth-md5', Format: 'b64' });
    expect(sent[0]!.SyncHdr.Source.LocName).toBe('Bruce2');
    // Package 1 again, same SessionID, new digest with the challenged nonce [PRO 24].
    expect(sent).toHaveLength(2);
    const p1b = sent[1]!;
    expect(p1b.SyncHdr.SessionID).toBe(sent[0]!.SyncHdr.SessionID);
    expect(p1b.SyncHdr.Cred?.Data).toBe(md5Digest({ name: 'Bruce2', password: 'OhBehave' }, next1));
    expect(p1b.SyncBody.commands.some((c) => c.kind === 'Alert' && c.Data === 1201)).toBe(true);
    expect(p1b.SyncBody.commands.some((c) => c.kind === 'Replace')).toBe(true);
    expect(session.outcome, session.reason).toBe('completed');
    // 212 + Chal: the nonce is for the next session, kept in CLCRED AAuthData [PRO 24].
    const stored = tree.record('./DMAcc/acc1/AppAuth/cl/AAuthData')?.value ?? '';
    expect(decodeBase64(stored)).toEqual(next2);
  });

  it('a server that keeps answering 401 is given up after the bounded retries, with a reason', async () => {
    const { tree } = await handset();
    let n = 0;
    const { session, sent } = await runAgainst(
      tree,
      (req) => ({
        message: reply(req, [], { hdrCode: 401, chal: buildChal(AUTH_MD5, encodeUtf8(`n${n++}`)) }),
      }),
      { account: { client: { type: 'DIGEST', name: 'u', secret: 'p', nonce: NONCE } }, maxAuthRetries: 2 },
    );
    expect(sent).toHaveLength(3); // package 1 + 2 retries
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/Authentication failed/);
    expect(session.reason).toMatch(/AAuthSecret/);
  });

  it('401 without Chal ends the session at once with a reason', async () => {
    const { tree } = await handset();
    const { session, sent } = await runAgainst(
      tree,
      (req) => ({ message: reply(req, [], { hdrCode: 401 }) }),
      {
        account: { client: { type: 'BASIC', name: 'u', secret: 'p' } },
      },
    );
    expect(sent).toHaveLength(1);
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/no challenge/);
  });

  it('407 with Chal and no client credentials: a clear reason', async () => {
    const { tree } = await handset();
    const { session } = await runAgainst(
      tree,
      (req) => ({ message: reply(req, [], { hdrCode: 407, chal: buildChal(AUTH_MD5, NONCE) }) }),
      {},
    );
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/no client credentials/);
  });
});

describe('HMAC both ways (oma-dm.md §7.3)', () => {
  it('signs every message with x-syncml-hmac over the exact body, checks the server’s, sends a fresh nonce each time', async () => {
    const { tree } = await handset();
    const client = { name: 'Robert Jordan', password: 'secret' };
    const srv = { name: 'dm.example.net', password: 'srvpass' };
    const srvNonce = encodeUtf8('srv-nonce');
    let clientNonce = NONCE;
    const issued: Uint8Array[] = [];
    const macChecks: boolean[] = [];
    const { session, sent, server } = await runAgainst(
      tree,
      (req, i) => {
        const h = parseHmacHeader(req.headers['x-syncml-hmac']!);
        macChecks.push(h.username === client.name && h.mac === computeMac(client, clientNonce, req.body));
        clientNonce = encodeUtf8(`cl-${i}`);
        const chal = buildChal(AUTH_MAC, clientNonce);
        // The server signs with the nonce the handset issued last (in its SyncHdr Status Chal).
        const hdrStatus = req.message.SyncBody.commands.find(
          (c): c is Status => c.kind === 'Status' && c.CmdRef === '0',
        );
        const nonce = hdrStatus?.Chal?.Meta.NextNonce
          ? decodeBase64(hdrStatus.Chal.Meta.NextNonce)!
          : srvNonce;
        issued.push(nonce);
        if (i === 0)
          return {
            message: reply(req, [replace('./DevInfo/Lang', 'x')], { hdrCode: 200, chal }),
            hmac: { secret: srv, nonce },
          };
        return { message: reply(req, [], { hdrCode: 200, chal, ack: false }), hmac: { secret: srv, nonce } };
      },
      {
        account: {
          client: { type: 'HMAC', name: client.name, secret: client.password, nonce: NONCE },
          server: { type: 'HMAC', name: srv.name, secret: srv.password, nonce: srvNonce },
        },
      },
    );
    expect(server.errors).toEqual([]);
    expect(macChecks).toEqual([true, true]);
    expect(sent[0]!.SyncHdr.Cred).toBeUndefined(); // HMAC travels only in the header
    expect(session.outcome, session.reason).toBe('completed');
    // An authenticated SyncHdr under HMAC gets 200 (not 212) and a new NextNonce [SEC].
    const hdr = sent[1]!.SyncBody.commands[0] as Status;
    expect(hdr.Data).toBe(200);
    expect(hdr.Chal?.Meta.Type).toBe('syncml:auth-MAC');
    expect(hdr.Chal?.Meta.NextNonce).toBeDefined();
    // The Replace on DevInfo is refused by the ACL, but it was executed (425, not 401).
    const ids = commandIds(reply({ message: sent[0]! } as never));
    void ids;
    expect(statuses(sent[1]!).map((s) => s.Data)).toContain(425);
    // The nonce the handset issued is stored in SRVCRED AAuthData.
    expect(tree.record('./DMAcc/acc1/AppAuth/srv/AAuthData')?.value).toBe(hdr.Chal?.Meta.NextNonce);
  });
});

describe('server credentials (SRVCRED; oma-dm.md §7.4)', () => {
  it('a server without Cred gets 407 + Chal and its commands are not executed; with the right Cred, 212', async () => {
    const { tree } = await handset();
    const srv = { name: 'dm.example.net', password: 'srvpass' };
    const first = encodeUtf8('stored-srv-nonce');
    const { session, sent } = await runAgainst(
      tree,
      (req, i) => {
        const cmds = [
          {
            kind: 'Add' as const,
            CmdID: '',
            Items: [{ Target: { LocURI: './Vendor' }, Meta: { Format: 'node' } }],
          },
        ];
        if (i === 0) return { message: reply(req, cmds) };
        const hdrStatus = req.message.SyncBody.commands[0] as Status;
        const nonce = decodeBase64(hdrStatus.Chal!.Meta.NextNonce!)!;
        if (i === 1)
          return { message: reply(req, cmds, { cred: buildCred(AUTH_MD5, srv, nonce), ack: false }) };
        return { message: reply(req, [], { ack: false }) };
      },
      {
        account: {
          client: { type: 'BASIC', name: 'u', secret: 'p' },
          server: { type: 'DIGEST', name: srv.name, secret: srv.password, nonce: first },
        },
      },
    );
    const h1 = sent[1]!.SyncBody.commands[0] as Status;
    expect(h1.Data).toBe(407);
    expect(h1.Chal?.Meta).toMatchObject({ Type: 'syncml:auth-md5', Format: 'b64' });
    expect(h1.Chal?.Meta.NextNonce).not.toBe(encodeNonce(first)); // a fresh nonce after a failure
    // Every command still gets a Status; none was executed [PRO 24].
    expect(statuses(sent[1]!).map((s) => s.Data)).toEqual([407]);
    const h2 = sent[2]!.SyncBody.commands[0] as Status;
    expect(h2.Data).toBe(212);
    expect(statuses(sent[2]!).map((s) => s.Data)).toEqual([200]);
    expect(tree.record('./Vendor')).toBeDefined();
    expect(session.outcome, session.reason).toBe('completed');
    void codesOf;
    void DEVICE;
  });

  it('wrong server credentials every time: bounded, the handset aborts with 1223 and says why; tree unchanged', async () => {
    const { tree } = await handset();
    const before = JSON.stringify(tree.snapshot().filter((r) => !r.uri.startsWith('./DMAcc')));
    const bad = { name: 'dm.example.net', password: 'wrong' };
    const { session, sent } = await runAgainst(
      tree,
      (req) => ({
        message: reply(
          req,
          [{ kind: 'Add', CmdID: '', Items: [{ Target: { LocURI: './Vendor' }, Meta: { Format: 'node' } }] }],
          {
            cred: buildCred(AUTH_MD5, bad, NONCE),
          },
        ),
      }),
      {
        account: {
          client: { type: 'BASIC', name: 'u', secret: 'p' },
          server: { type: 'DIGEST', name: 'dm.example.net', secret: 'right', nonce: NONCE },
        },
        maxAuthRetries: 2,
      },
    );
    const last = sent[sent.length - 1]!;
    expect(last.SyncBody.commands.some((c) => c.kind === 'Alert' && c.Data === 1223)).toBe(true);
    expect(last.SyncBody.Final).toBe(true);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(session.outcome).toBe('failed');
    expect(session.reason).toMatch(/did not authenticate itself/);
    expect(JSON.stringify(tree.snapshot().filter((r) => !r.uri.startsWith('./DMAcc')))).toBe(before);
  });
});
