/**
 * A scripted DM client for the server tests: builds client packages by hand with the SyncML
 * builders, posts them over HTTP, decodes the answers. It follows RespURI like a real client
 * (oma-dm.md §1) and can add md5 / basic Cred or an x-syncml-hmac header (§7).
 */
import { afterEach, expect } from 'vitest';
import { toBase64 } from '../../../src/core/bytes/index.ts';
import { buildCred, buildHmacHeader, computeMac, parseChal, verifyHmac } from '../../../src/core/dm/auth.ts';
import { DM_CONTENT_TYPES, decodeDm, encodeDm, type DmEncoding } from '../../../src/core/dm-server/codec.ts';
import { DeviceStore } from '../../../src/server/device-store.ts';
import {
  DmServer,
  SHIPPED_SCENARIO_DIR,
  loadScenarios,
  type DmServerOptions,
} from '../../../src/server/dm-server.ts';
import { listen } from '../../../src/server/listen.ts';
import type { Command, Cred, Item, Status, SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { createHeader } from '../../../src/core/syncml/build.ts';

export { computeMac };

export async function startServer(
  options: DmServerOptions = {},
): Promise<{ server: DmServer; base: string }> {
  const server = new DmServer(options);
  const port = await listen(server.server, 0, '127.0.0.1', 'dm');
  return { server, base: `http://127.0.0.1:${port}` };
}

/**
 * For a test file: returns `setup(extra)`, which starts a server with the shipped scenarios and
 * an in-memory device store (`extra` overrides); every server it started closes after each test.
 */
export function shippedServerFixture(): (
  extra?: DmServerOptions,
) => Promise<{ server: DmServer; base: string }> {
  const started: DmServer[] = [];
  afterEach(async () => {
    for (const server of started.splice(0)) await server.close();
  });
  return async (extra = {}) => {
    const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
    const result = await startServer({ scenarios, store: DeviceStore.memory(), ...extra });
    started.push(result.server);
    return result;
  };
}

export const DEVINFO: Item[] = [
  { Source: { LocURI: './DevInfo/DevId' }, Data: 'IMEI:490154203237518' },
  { Source: { LocURI: './DevInfo/Man' }, Data: 'ota-handset' },
  { Source: { LocURI: './DevInfo/Mod' }, Data: 'Emulator' },
  { Source: { LocURI: './DevInfo/DmV' }, Data: '1.2' },
  { Source: { LocURI: './DevInfo/Lang' }, Data: 'en-US' },
];

export interface Reply {
  status: number;
  headers: Headers;
  body: Uint8Array;
  msg?: SyncMLMessage;
  text: string;
}

export class ScriptedClient {
  url: string;
  msgId = 0;
  /** Nonce for the next client credentials (md5 / HMAC), as issued by the server. */
  nonce: Uint8Array;
  last?: Reply;

  constructor(
    public base: string,
    public devId: string,
    public sessionId: string,
    public opts: {
      path?: string;
      encoding?: DmEncoding;
      auth?: 'none' | 'basic' | 'md5' | 'hmac';
      name?: string;
      secret?: string;
      nonce?: Uint8Array;
      maxMsgSize?: number;
      maxObjSize?: number;
    } = {},
  ) {
    this.url = `${base}${opts.path ?? '/dm'}`;
    this.nonce = opts.nonce ?? new TextEncoder().encode('initial-nonce');
  }

  get encoding(): DmEncoding {
    return this.opts.encoding ?? 'xml';
  }

  message(commands: Command[], final = true, withCred = true): SyncMLMessage {
    this.msgId += 1;
    const hdr = createHeader({
      SessionID: this.sessionId,
      MsgID: this.msgId,
      Target: this.url.split('?')[0] as string,
      Source: { LocURI: this.devId, ...(this.opts.name !== undefined ? { LocName: this.opts.name } : {}) },
    });
    if (this.msgId === 1 || this.opts.maxMsgSize !== undefined) {
      hdr.Meta = { MaxMsgSize: this.opts.maxMsgSize ?? 16384 };
      if (this.opts.maxObjSize !== undefined) hdr.Meta.MaxObjSize = this.opts.maxObjSize;
    }
    const secret = { name: this.opts.name ?? 'handset', password: this.opts.secret ?? 'secret' };
    if (withCred && this.opts.auth === 'basic') hdr.Cred = buildCred('syncml:auth-basic', secret);
    if (withCred && this.opts.auth === 'md5') hdr.Cred = buildCred('syncml:auth-md5', secret, this.nonce);
    return {
      SyncHdr: hdr,
      SyncBody: {
        commands: commands.map((c, i) => ({ ...c, CmdID: String(i + 1) }) as Command),
        Final: final,
      },
    };
  }

  /** Package 1: Alert 1201 (or 1200) + Replace DevInfo. */
  package1(alert: 1200 | 1201 = 1201, withCred = true): SyncMLMessage {
    const replace: Command = { kind: 'Replace', CmdID: '', Items: DEVINFO.map((i) => ({ ...i })) };
    return this.message([{ kind: 'Alert', CmdID: '', Data: alert, Items: [] }, replace], true, withCred);
  }

  async post(
    msg: SyncMLMessage,
    extra: { headers?: Record<string, string>; hmacSecret?: { name: string; password: string } } = {},
  ): Promise<Reply> {
    const body = encodeDm(msg, this.encoding);
    const headers: Record<string, string> = {
      'Content-Type': DM_CONTENT_TYPES[this.encoding],
      ...extra.headers,
    };
    if (this.opts.auth === 'hmac') {
      const secret = extra.hmacSecret ?? {
        name: this.opts.name ?? 'handset',
        password: this.opts.secret ?? 'secret',
      };
      headers['x-syncml-hmac'] = buildHmacHeader(secret, this.nonce, body);
    }
    const res = await fetch(this.url, { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const reply: Reply = { status: res.status, headers: res.headers, body: bytes, text: '' };
    if (res.headers.get('content-type')?.startsWith('application/vnd.syncml')) {
      reply.msg = decodeDm(bytes, this.encoding);
      const hdr = reply.msg.SyncHdr;
      if (hdr.RespURI) this.url = hdr.RespURI;
      // Follow the server's Chal (latest nonce) for our next credentials.
      const st = reply.msg.SyncBody.commands.find(
        (c): c is Status => c.kind === 'Status' && c.CmdRef === '0',
      );
      if (st?.Chal) {
        const chal = parseChal(st.Chal);
        if (chal.nextNonce) this.nonce = chal.nextNonce;
      }
    } else reply.text = new TextDecoder().decode(bytes);
    this.last = reply;
    return reply;
  }

  /** Statuses for every server command in a reply (and Results for Gets), answering with `answer`. */
  answer(
    reply: Reply,
    answer: (cmd: Command) => { code: number; data?: string; items?: Item[] } = () => ({ code: 200 }),
  ): Command[] {
    const msg = reply.msg as SyncMLMessage;
    const out: Command[] = [
      {
        kind: 'Status',
        CmdID: '',
        MsgRef: msg.SyncHdr.MsgID,
        CmdRef: '0',
        Cmd: 'SyncHdr',
        TargetRef: [msg.SyncHdr.Target.LocURI],
        SourceRef: [msg.SyncHdr.Source.LocURI],
        Data: 200,
        Items: [],
      },
    ];
    const walk = (cmd: Command): void => {
      if (cmd.kind === 'Status' || cmd.kind === 'Results') return;
      const a = answer(cmd);
      const st: Status = {
        kind: 'Status',
        CmdID: '',
        MsgRef: msg.SyncHdr.MsgID,
        CmdRef: cmd.CmdID,
        Cmd: cmd.kind,
        TargetRef: [],
        SourceRef: [],
        Data: a.code,
        Items: a.items ?? [],
      };
      out.push(st);
      if (cmd.kind === 'Get' && a.code === 200) {
        out.push({
          kind: 'Results',
          CmdID: '',
          MsgRef: msg.SyncHdr.MsgID,
          CmdRef: cmd.CmdID,
          Items: [{ Source: { LocURI: cmd.Items[0]?.Target?.LocURI ?? '' }, Data: a.data ?? '' }],
        });
      }
      if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence') cmd.commands.forEach(walk);
    };
    msg.SyncBody.commands.forEach(walk);
    return out;
  }
}

export function headerStatus(reply: Reply): Status {
  const st = reply.msg?.SyncBody.commands.find((c): c is Status => c.kind === 'Status' && c.CmdRef === '0');
  expect(st, 'a Status for the SyncHdr comes first (oma-dm.md §4)').toBeDefined();
  expect(reply.msg?.SyncBody.commands[0]).toBe(st);
  return st as Status;
}

export function commandsOf(reply: Reply): Command[] {
  return (reply.msg?.SyncBody.commands ?? []).filter((c) => c.kind !== 'Status' && c.kind !== 'Results');
}

export function statusesOf(reply: Reply): Status[] {
  return (reply.msg?.SyncBody.commands ?? []).filter((c): c is Status => c.kind === 'Status');
}

export function checkServerHmac(
  reply: Reply,
  secret: { name: string; password: string },
  nonce: Uint8Array,
): boolean {
  const h = reply.headers.get('x-syncml-hmac');
  return h !== null && verifyHmac(h, secret, nonce, reply.body).ok;
}

export function credOf(msg: SyncMLMessage): Cred | undefined {
  return msg.SyncHdr.Cred;
}

export const b64 = (s: string): string => toBase64(new TextEncoder().encode(s));
