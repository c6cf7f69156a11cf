/**
 * Test harness for DM sessions: a handset (memory tree + DMAcc account), and a scripted DM
 * server on 127.0.0.1 (node:http) that plays one reply per received message and keeps every
 * message the handset sent, decoded, so tests can check them against the spec.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { createFetchTransport } from '../../../src/adapters/fetch-transport.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { DEVICE, type TreeOp } from '../../../src/core/tree/types.ts';
import type { Clock, Random } from '../../../src/core/ports.ts';
import type { Chal, Command, Cred, Item, Status, SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { createHeader, statusForHeader, statusFor } from '../../../src/core/syncml/build.ts';
import {
  createSession,
  defaultCodec,
  DM_CONTENT_TYPES,
  encodingOf,
  runSession,
  type DmEncoding,
  type DmSession,
  type SessionOptions,
} from '../../../src/core/dm/session.ts';
import { buildHmacHeader, type Secret } from '../../../src/core/dm/auth.ts';

export const T0 = Date.UTC(2024, 10, 21, 10, 42, 0);
export const SERVER_ID = 'dm.example.net';
export const DEV_ID = `IMEI:${DEFAULT_IDENTITY.imei}`;

export function fixedClock(start = T0): Clock {
  let now = start;
  return { now: () => (now += 5) };
}

/** Deterministic "random" bytes. */
export function counterRandom(seed = 1): Random {
  let n = seed;
  return {
    bytes(length: number) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = (n++ * 37) & 0xff;
      return out;
    },
  };
}

export interface CredSpec {
  type: 'BASIC' | 'DIGEST' | 'HMAC' | string;
  name: string;
  secret: string;
  nonce?: Uint8Array;
}

export interface AccountSpec {
  serverId?: string;
  url: string;
  client?: CredSpec;
  server?: CredSpec;
  encoding?: DmEncoding;
  authPref?: string;
}

export async function handset(): Promise<{ tree: ManagementTree; store: MemoryTreeStore; clock: Clock }> {
  const clock = fixedClock();
  const store = new MemoryTreeStore();
  const tree = await ManagementTree.openWithFactory(store, clock, DEFAULT_IDENTITY);
  return { tree, store, clock };
}

/** Adds `./DMAcc/<name>` as the device, with Get/Replace/Add/Delete for the server on its own MO data. */
export async function addAccount(tree: ManagementTree, spec: AccountSpec, name = 'acc1'): Promise<void> {
  const base = `./DMAcc/${name}`;
  const serverId = spec.serverId ?? SERVER_ID;
  const ops: TreeOp[] = [
    { op: 'add', uri: base, format: 'node' },
    { op: 'add', uri: `${base}/AppID`, value: 'w7' },
    { op: 'add', uri: `${base}/ServerID`, value: serverId },
    { op: 'add', uri: `${base}/Name`, value: 'Example DM' },
    { op: 'add', uri: `${base}/AppAddr/1/Addr`, value: spec.url },
    { op: 'add', uri: `${base}/AppAddr/1/AddrType`, value: 'URI' },
  ];
  if (spec.authPref) ops.push({ op: 'add', uri: `${base}/AAuthPref`, value: spec.authPref });
  const cred = (id: string, level: string, c: CredSpec) => {
    ops.push(
      { op: 'add', uri: `${base}/AppAuth/${id}/AAuthLevel`, value: level },
      { op: 'add', uri: `${base}/AppAuth/${id}/AAuthType`, value: c.type },
      { op: 'add', uri: `${base}/AppAuth/${id}/AAuthName`, value: c.name },
      { op: 'add', uri: `${base}/AppAuth/${id}/AAuthSecret`, value: c.secret },
    );
    if (c.nonce)
      ops.push({ op: 'add', uri: `${base}/AppAuth/${id}/AAuthData`, value: c.nonce, format: 'bin' });
  };
  if (spec.client) cred('cl', 'CLCRED', spec.client);
  if (spec.server) cred('srv', 'SRVCRED', spec.server);
  if (spec.encoding) ops.push({ op: 'add', uri: `${base}/Ext/OtaHandset/Encoding`, value: spec.encoding });
  const r = await tree.batch(DEVICE, ops);
  if (r.status !== 200) throw new Error(`account setup failed: ${r.reason}`);
}

// ---------------------------------------------------------------------------------------
// The scripted server

export interface Received {
  message: SyncMLMessage;
  body: Uint8Array;
  headers: Record<string, string>;
  encoding: DmEncoding;
  url: string;
}

export type ServerAction =
  | {
      message: SyncMLMessage;
      encoding?: DmEncoding;
      headers?: Record<string, string>;
      hmac?: { secret: Secret; nonce: Uint8Array };
    }
  | { httpStatus: number }
  | { destroy: true }
  | { raw: Uint8Array; contentType: string };

export type Script = (req: Received, index: number) => ServerAction | Promise<ServerAction>;

export interface ScriptedServer {
  url: string;
  received: Received[];
  errors: string[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export async function startServer(script: Script | ServerAction[]): Promise<ScriptedServer> {
  const received: Received[] = [];
  const errors: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const encoding = encodingOf(headers['content-type'], body) ?? 'xml';
      let message: SyncMLMessage;
      try {
        message = defaultCodec.decode(body, encoding).message;
      } catch (error) {
        errors.push(`undecodable client message: ${(error as Error).message}`);
        res.writeHead(400).end();
        return;
      }
      const entry: Received = { message, body, headers, encoding, url: req.url ?? '' };
      received.push(entry);
      const index = received.length - 1;
      let action: ServerAction | undefined;
      try {
        action = Array.isArray(script) ? script[index] : await script(entry, index);
      } catch (error) {
        errors.push(`script failed: ${(error as Error).stack}`);
      }
      if (!action) {
        errors.push(`no scripted reply for message ${index + 1}`);
        res.writeHead(500).end();
        return;
      }
      if ('destroy' in action) {
        req.socket.destroy();
        return;
      }
      if ('httpStatus' in action) {
        res.writeHead(action.httpStatus, { 'content-type': 'text/plain' }).end('no');
        return;
      }
      if ('raw' in action) {
        res.writeHead(200, { 'content-type': action.contentType }).end(action.raw);
        return;
      }
      const enc = action.encoding ?? encoding;
      const out = defaultCodec.encode(action.message, enc);
      const h: Record<string, string> = { 'content-type': DM_CONTENT_TYPES[enc], ...action.headers };
      if (action.hmac) h['x-syncml-hmac'] = buildHmacHeader(action.hmac.secret, action.hmac.nonce, out);
      res.writeHead(200, h).end(out);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/dm`,
    received,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Server-side message building

export interface ReplyOptions {
  /** Status for the handset's SyncHdr (default 212). */
  hdrCode?: number;
  chal?: Chal;
  cred?: Cred;
  final?: boolean;
  respUri?: string;
  maxMsgSize?: number;
  maxObjSize?: number;
  /** Statuses for the handset's commands (default: 200 for each Alert / Replace, none otherwise). */
  ack?: boolean;
  msgId?: string;
}

/** A server reply to `req`: SyncHdr Status, acks, then `commands` (CmdIDs assigned in order). */
export function reply(req: Received, commands: Command[] = [], options: ReplyOptions = {}): SyncMLMessage {
  const c = req.message;
  const hdr = createHeader({
    SessionID: c.SyncHdr.SessionID,
    MsgID: options.msgId ?? c.SyncHdr.MsgID,
    Target: c.SyncHdr.Source.LocURI,
    Source: c.SyncHdr.Target.LocURI,
    ...(options.respUri !== undefined ? { RespURI: options.respUri } : {}),
    ...(options.cred ? { Cred: options.cred } : {}),
    ...(options.maxMsgSize !== undefined ? { MaxMsgSize: options.maxMsgSize } : {}),
    ...(options.maxObjSize !== undefined ? { MaxObjSize: options.maxObjSize } : {}),
  });
  const out: Command[] = [];
  let id = 0;
  const next = () => String(++id);
  out.push(
    statusForHeader(c.SyncHdr, options.hdrCode ?? 212, next(), options.chal ? { Chal: options.chal } : {}),
  );
  if (options.ack !== false) {
    for (const cmd of c.SyncBody.commands) {
      if (cmd.kind === 'Alert' && (cmd.Data === 1222 || cmd.Data === 1223)) continue;
      if (cmd.kind === 'Alert' || cmd.kind === 'Replace')
        out.push(statusFor(cmd, 200, { CmdID: next(), MsgRef: c.SyncHdr.MsgID }));
    }
  }
  for (const cmd of commands) out.push(renumber(cmd, next));
  return { SyncHdr: hdr, SyncBody: { commands: out, Final: options.final ?? true } };
}

function renumber(cmd: Command, next: () => string): Command {
  if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence') {
    const id = next();
    return { ...cmd, CmdID: id, commands: cmd.commands.map((m) => renumber(m, next)) };
  }
  return { ...cmd, CmdID: next() } as Command;
}

export const get = (...uris: string[]): Command => ({
  kind: 'Get',
  CmdID: '',
  Items: uris.map((u) => ({ Target: { LocURI: u } })),
});
export const del = (...uris: string[]): Command => ({
  kind: 'Delete',
  CmdID: '',
  Items: uris.map((u) => ({ Target: { LocURI: u } })),
});
export const add = (uri: string, data?: string, format?: string): Command => {
  const item: Item = { Target: { LocURI: uri } };
  if (format) item.Meta = { Format: format };
  if (data !== undefined) item.Data = data;
  return { kind: 'Add', CmdID: '', Items: [item] };
};
export const replace = (uri: string, data: string, format?: string): Command => {
  const item: Item = { Target: { LocURI: uri }, Data: data };
  if (format) item.Meta = { Format: format };
  return { kind: 'Replace', CmdID: '', Items: [item] };
};
export const copy = (target: string, source: string): Command => ({
  kind: 'Copy',
  CmdID: '',
  Items: [{ Target: { LocURI: target }, Source: { LocURI: source } }],
});
export const exec = (uri: string): Command => ({
  kind: 'Exec',
  CmdID: '',
  Items: [{ Target: { LocURI: uri } }],
});
export const alert = (code: number, ...data: string[]): Command => ({
  kind: 'Alert',
  CmdID: '',
  Data: code,
  Items: data.map((d) => ({ Data: d })),
});
export const atomic = (...commands: Command[]): Command => ({ kind: 'Atomic', CmdID: '', commands });
export const sequence = (...commands: Command[]): Command => ({ kind: 'Sequence', CmdID: '', commands });

/** Statuses in a client message, excluding the SyncHdr one. */
export function statuses(msg: SyncMLMessage): Status[] {
  return msg.SyncBody.commands.filter((c): c is Status => c.kind === 'Status' && c.CmdRef !== '0');
}

/** The Status answering server command `cmdRef` (per Item: all of them). */
export function statusOf(msg: SyncMLMessage, cmdRef: string): Status[] {
  return statuses(msg).filter((s) => s.CmdRef === cmdRef);
}

export function codesOf(msg: SyncMLMessage, cmdRef: string): number[] {
  return statusOf(msg, cmdRef).map((s) => s.Data);
}

/** Find the CmdID a server command got in a reply built by `reply` (by kind and target). */
export function cmdIdOf(msg: SyncMLMessage, kind: string, target?: string): string {
  const walk = (cmds: Command[]): string | undefined => {
    for (const c of cmds) {
      if (c.kind === kind) {
        if (target === undefined) return c.CmdID;
        if ('Items' in c && c.Items.some((i) => i.Target?.LocURI === target)) return c.CmdID;
      }
      if (c.kind === 'Atomic' || c.kind === 'Sequence') {
        const inner = walk(c.commands);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const id = walk(msg.SyncBody.commands);
  if (id === undefined) throw new Error(`no ${kind} ${target ?? ''} in the server message`);
  return id;
}

export interface RunResult {
  session: DmSession;
  server: ScriptedServer;
}

/** Starts the server, runs a session against it over real HTTP, closes the server. */
export async function runAgainst(
  tree: ManagementTree,
  script: Script | ServerAction[],
  options: Partial<SessionOptions> & { account?: Omit<AccountSpec, 'url'>; skipAccount?: boolean } = {},
): Promise<RunResult & { sent: SyncMLMessage[]; served: SyncMLMessage[] }> {
  const served: SyncMLMessage[] = [];
  const wrapped: Script = async (req, i) => {
    const action = Array.isArray(script) ? script[i] : await script(req, i);
    if (action && 'message' in action) served.push(action.message);
    if (!action) throw new Error(`no scripted reply for message ${i + 1}`);
    return action;
  };
  const server = await startServer(wrapped);
  try {
    if (!options.skipAccount) await addAccount(tree, { url: server.url, ...(options.account ?? {}) });
    const { account: _a, skipAccount: _s, ...rest } = options;
    const session = createSession({
      tree,
      serverId: SERVER_ID,
      clock: fixedClock(),
      random: counterRandom(),
      encoding: 'xml',
      ...rest,
    });
    await runSession(session, createFetchTransport({ timeoutMs: 5000 }));
    return { session, server, sent: server.received.map((r) => r.message), served };
  } finally {
    await server.close();
  }
}

/** CmdIDs of the non-Status commands of a server message, in order. */
export function commandIds(msg: SyncMLMessage): string[] {
  return msg.SyncBody.commands.filter((c) => c.kind !== 'Status' && c.kind !== 'Results').map((c) => c.CmdID);
}
