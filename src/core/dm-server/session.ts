/**
 * One DM 1.2 management session, server side, sans I/O (oma-dm.md §3-§10).
 *
 * The HTTP layer decodes a request into a `SyncMLMessage`, hands it to `handle()` together
 * with the exact body bytes and the `x-syncml-hmac` header, and sends back the returned
 * body (and HMAC header). The session:
 * - authenticates the client (basic, md5, HMAC; 401 / 407 with a fresh Chal, 212 + Chal for
 *   the next session, HMAC 200 + Chal on every message; at most `maxAuthAttempts` tries),
 * - authenticates itself to the client (Cred in the SyncHdr, or x-syncml-hmac) and follows
 *   the client's Chal, resending what the client refused,
 * - answers every client command with a Status, records DevInfo, generic alerts and results,
 * - sends the scenario's commands, split over several messages when they exceed the
 *   client's MaxMsgSize (no Final until the last, Alert 1222 to continue) and chunked as
 *   large objects (MoreData, Meta Size on the first chunk) when one item alone is too big,
 * - reassembles large objects from the client (213 per chunk, 424 on a size mismatch),
 * - ends when its reply holds no commands (the client must not answer a status-only package),
 *   or on Alert 1223.
 */
import { decodeUtf8, encodeUtf8 } from '../bytes/index.ts';
import {
  AUTH_BASIC,
  AUTH_MAC,
  AUTH_MD5,
  buildChal,
  buildCred,
  buildHmacHeader,
  decodeNonce,
  encodeNonce,
  newNonce,
  parseChal,
  parseHmacHeader,
  verifyCred,
  verifyHmac,
  type AuthType,
} from '../dm/auth.ts';
import type { Random } from '../ports.ts';
import { CmdIdCounter, createHeader, statusFor, statusForHeader } from '../syncml/build.ts';
import type { Command, Item, Status, SyncHdr, SyncMLMessage } from '../syncml/message.ts';
import { dataText } from '../syncml/message.ts';
import type { AccountRecord } from './account.ts';
import type { PlannedCommand, ScenarioRun, StepOutcome } from './engine.ts';

export type Encoding = 'xml' | 'wbxml';

export interface IncomingRequest {
  message: SyncMLMessage;
  /** The exact body bytes (HMAC is computed over them). */
  body: Uint8Array;
  hmac?: string;
}

export interface OutgoingReply {
  message: SyncMLMessage;
  body: Uint8Array;
  /** Value of the x-syncml-hmac response header, when the server authenticates with HMAC. */
  hmac?: string;
  /** The session is over: the client will not (must not) send another message. */
  ended: boolean;
}

export type SessionOutcome = 'completed' | 'aborted-by-client' | 'auth-failed' | 'in-progress' | 'abandoned';

export interface SessionEvent {
  kind: 'auth' | 'devinfo' | 'generic-alert' | 'large-object' | 'split' | 'note' | 'server-auth';
  text: string;
}

export interface ServerSessionOptions {
  sessionId: string;
  devId: string;
  serverId: string;
  /** Our Source LocURI. */
  serverUri: string;
  /** URI the client must use for the next message (carries the session token). */
  respUri: string;
  /** The device's account; the session updates its nonces in place. */
  account: AccountRecord;
  run?: ScenarioRun;
  encode: (msg: SyncMLMessage) => Uint8Array;
  random: Random;
  /** What we announce as our MaxMsgSize (the most the client may send us). */
  maxMsgSize?: number;
  maxObjSize?: number;
  maxAuthAttempts?: number;
  /** A 1200 session started by our package 0 with this SessionID. */
  notifiedSessionId?: string;
}

interface SentRef {
  key?: string;
  /** A non-final chunk of a large object: 213 is the expected answer. */
  chunk?: boolean;
  kind: string;
  /** Resend this when the client refuses our credentials. */
  resend?: QueueEntry;
}

interface QueueEntry {
  planned?: PlannedCommand;
  command: Command;
  /** Large object progress: data bytes and how many were sent. */
  lo?: { bytes: Uint8Array; offset: number; total: number };
}

interface IncomingObject {
  key: string;
  cmd: string;
  parts: string[];
  size?: number;
  target?: string;
  source?: string;
}

const DEFAULT_LIMIT = 1_000_000;
/** Below this the server will not try to fit a message (Funambol's WBXML minimum is 1000, oma-dm.md §10). */
const MIN_MSG_SIZE = 400;

function authTypeOf(t: AccountRecord['authType']): AuthType {
  return t === 'basic' ? AUTH_BASIC : t === 'md5' ? AUTH_MD5 : AUTH_MAC;
}

function clone<T extends Command>(cmd: T): T {
  return structuredClone(cmd);
}

/** Slice UTF-8 bytes without cutting a character: back off over continuation bytes. */
function charBoundary(bytes: Uint8Array, end: number): number {
  let e = Math.min(end, bytes.length);
  while (e > 0 && e < bytes.length && ((bytes[e] as number) & 0xc0) === 0x80) e--;
  return e;
}

export class ServerSession {
  readonly sessionId: string;
  readonly devId: string;
  readonly serverId: string;
  readonly account: AccountRecord;
  readonly run: ScenarioRun | undefined;
  readonly events: SessionEvent[] = [];
  readonly devInfo: Record<string, string> = {};
  readonly genericAlerts: { type?: string; format?: string; data: string; source?: string }[] = [];
  outcome: SessionOutcome = 'in-progress';
  initiatedBy: 'client' | 'server' | undefined;
  clientAuthenticated = false;
  serverAuthenticated = false;
  ended = false;

  private readonly opts: ServerSessionOptions;
  private msgId = 0;
  private authAttempts = 0;
  private clientMaxMsgSize = DEFAULT_LIMIT;
  private clientMaxObjSize: number | undefined;
  private readonly queue: QueueEntry[] = [];
  private readonly sent = new Map<string, SentRef>();
  /** Commands sent and not yet answered (for a resend after a refused server credential). */
  private lastSentEntries: QueueEntry[] = [];
  private serverAuthRetries = 0;
  private sendServerCred = true;
  private readonly incoming = new Map<string, IncomingObject>();
  /** Outcomes of the current client message, recorded after every Status / Results is read. */
  private readonly pendingOutcomes = new Map<string, StepOutcome>();
  /** Are we in the middle of a package split over several messages? */
  private midPackage = false;

  constructor(opts: ServerSessionOptions) {
    this.opts = opts;
    this.sessionId = opts.sessionId;
    this.devId = opts.devId;
    this.serverId = opts.serverId;
    this.account = opts.account;
    this.run = opts.run;
  }

  private note(kind: SessionEvent['kind'], text: string): void {
    this.events.push({ kind, text });
  }

  // -------------------------------------------------------------------- client authentication

  private checkClient(req: IncomingRequest): { code: number; chal?: ReturnType<typeof buildChal> } {
    const acc = this.account;
    const type = authTypeOf(acc.authType);
    const secret = { name: acc.clientName, password: acc.clientSecret };
    const fresh = (): ReturnType<typeof buildChal> => {
      const nonce = newNonce(this.opts.random);
      acc.clientNonce = encodeNonce(nonce);
      return buildChal(type, nonce);
    };
    if (type === AUTH_MAC) {
      if (req.hmac === undefined) {
        this.authAttempts++;
        this.note('auth', 'no x-syncml-hmac header: 407 with an HMAC challenge');
        return { code: 407, chal: fresh() };
      }
      const check = verifyHmac(req.hmac, secret, decodeNonce(acc.clientNonce), req.body);
      if (!check.ok) {
        this.authAttempts++;
        this.note('auth', `HMAC rejected (${check.reason}): 401 with a fresh nonce`);
        return { code: 401, chal: fresh() };
      }
      if (!this.clientAuthenticated) this.note('auth', `client authenticated by HMAC as ${acc.clientName}`);
      this.clientAuthenticated = true;
      // A new NextNonce accompanies each message (oma-dm.md §7.3); the header status is 200.
      return { code: 200, chal: fresh() };
    }
    if (this.clientAuthenticated) return { code: 200 };
    const cred = req.message.SyncHdr.Cred;
    const locName = req.message.SyncHdr.Source.LocName;
    const opts: Parameters<typeof verifyCred>[3] = { expectedType: type };
    if (type === AUTH_MD5 && locName !== undefined) opts.locName = locName;
    const check = verifyCred(cred, secret, decodeNonce(acc.clientNonce), opts);
    if (!check.ok) {
      this.authAttempts++;
      const code = check.reason === 'missing' ? 407 : 401;
      this.note('auth', `client credentials ${check.reason}: ${code} with a ${type} challenge`);
      return { code, chal: fresh() };
    }
    this.clientAuthenticated = true;
    this.note('auth', `client authenticated (${type}) as ${acc.clientName}`);
    // 212: no more authentication this session. For md5 the Chal's nonce is for the next session.
    return type === AUTH_MD5 ? { code: 212, chal: fresh() } : { code: 212 };
  }

  // -------------------------------------------------------------------- reading the client message

  private outcomeFor(key: string): StepOutcome {
    let o = this.pendingOutcomes.get(key);
    if (!o) {
      o = {};
      this.pendingOutcomes.set(key, o);
    }
    return o;
  }

  private onStatus(st: Status, clientMsg: SyncMLMessage): void {
    if (st.CmdRef === '0' || st.Cmd === 'SyncHdr') {
      if (st.Chal) {
        const chal = parseChal(st.Chal);
        if (chal.nextNonce) this.account.serverNonce = encodeNonce(chal.nextNonce);
      }
      if (st.Data === 212) {
        this.serverAuthenticated = true;
        this.sendServerCred = false;
        this.note('server-auth', 'the device accepted the server credentials (212)');
      } else if (st.Data === 200 && this.account.serverAuthType !== 'hmac') {
        this.serverAuthenticated = true;
      } else if (st.Data === 401 || st.Data === 407) {
        this.serverAuthenticated = false;
        this.sendServerCred = true;
        this.serverAuthRetries++;
        this.note(
          'server-auth',
          `the device refused the server credentials (${st.Data}); resending with its new nonce`,
        );
        // Every command of that message was refused with it: send them again.
        if (this.serverAuthRetries <= 3) {
          this.queue.unshift(...this.lastSentEntries);
          this.lastSentEntries = [];
        }
      }
      return;
    }
    const ref = this.sent.get(`${st.MsgRef}:${st.CmdRef}`);
    if (!ref) return;
    if (ref.chunk && st.Data === 213) return;
    if ((st.Data === 401 || st.Data === 407) && this.sendServerCred) return; // resent above
    if (ref.key === undefined) return;
    const o = this.outcomeFor(ref.key);
    // Per-item statuses of one command (decision 0042): the first failure wins, else the last.
    const failed = (c: number | undefined): boolean => c !== undefined && (c < 200 || c > 299);
    if (!failed(o.status)) o.status = st.Data;
    if (st.Items.length > 0) {
      o.items = st.Items;
      o.data = st.Items.map((i) => dataText(i.Data)).join(',');
    }
    void clientMsg;
  }

  /** Returns a Status for the Results only when it is not 200 (oma-dm.md §3.1). */
  private onResults(
    cmd: Command & { kind: 'Results' },
    msgId: string,
    ids: CmdIdCounter,
  ): Status | undefined {
    const msgRef = cmd.MsgRef ?? '';
    const ref = this.sent.get(`${msgRef}:${cmd.CmdRef}`);
    const key = ref?.key ?? `results:${msgRef}:${cmd.CmdRef}`;
    if (ref?.key) this.outcomeFor(ref.key);
    const first = cmd.Items[0];
    if (cmd.Items.length === 1 && first && (first.MoreData || this.incoming.has(key))) {
      let obj = this.incoming.get(key);
      if (!obj) {
        obj = { key, cmd: 'Results', parts: [] };
        if (first.Meta?.Size !== undefined) obj.size = first.Meta.Size;
        if (first.Source) obj.source = first.Source.LocURI;
        this.incoming.set(key, obj);
      }
      obj.parts.push(dataText(first.Data));
      if (first.MoreData) {
        this.note('large-object', `chunk ${obj.parts.length} of ${obj.source ?? 'a result'} received`);
        return statusFor(cmd, 213, { CmdID: ids.next(), MsgRef: msgId });
      }
      this.incoming.delete(key);
      const whole = obj.parts.join('');
      const size = encodeUtf8(whole).length;
      if (obj.size !== undefined && obj.size !== size) {
        this.note('large-object', `size mismatch: announced ${obj.size}, received ${size}: 424`);
        if (ref?.key) this.outcomeFor(ref.key).note = `large object size mismatch (${size} of ${obj.size})`;
        return statusFor(cmd, 424, { CmdID: ids.next(), MsgRef: msgId });
      }
      this.note(
        'large-object',
        `${obj.source ?? 'result'} reassembled: ${size} bytes in ${obj.parts.length} chunks`,
      );
      if (ref?.key) {
        const o = this.outcomeFor(ref.key);
        const item: Item = { Data: whole };
        if (obj.source) item.Source = { LocURI: obj.source };
        o.items = [...(o.items ?? []), item];
        o.data = whole;
      }
      return undefined;
    }
    if (ref?.key) {
      const o = this.outcomeFor(ref.key);
      o.items = [...(o.items ?? []), ...cmd.Items];
      o.data = cmd.Items.map((i) => dataText(i.Data)).join(',');
    }
    return undefined;
  }

  private onClientCommand(
    cmd: Command,
    msg: SyncMLMessage,
    ids: CmdIdCounter,
    out: Command[],
    flags: { abort: boolean; nextMessage: boolean },
  ): void {
    const msgId = msg.SyncHdr.MsgID;
    const status = (code: number, items?: Item[]): void => {
      out.push(statusFor(cmd, code, { CmdID: ids.next(), MsgRef: msgId }, items ? { Items: items } : {}));
    };
    switch (cmd.kind) {
      case 'Status':
        this.onStatus(cmd, msg);
        return;
      case 'Results': {
        const st = this.onResults(cmd, msgId, ids);
        if (st) out.push(st);
        return;
      }
      case 'Alert':
        switch (cmd.Data) {
          case 1200:
          case 1201:
            this.initiatedBy ??= cmd.Data === 1200 ? 'server' : 'client';
            status(200);
            return;
          case 1222:
            flags.nextMessage = true;
            status(200);
            return;
          case 1223:
            flags.abort = true;
            status(200);
            return;
          case 1224:
          case 1226:
            for (const item of cmd.Items) {
              const ga: (typeof this.genericAlerts)[number] = { data: dataText(item.Data) };
              if (item.Meta?.Type !== undefined) ga.type = item.Meta.Type;
              if (item.Meta?.Format !== undefined) ga.format = item.Meta.Format;
              if (item.Source) ga.source = item.Source.LocURI;
              this.genericAlerts.push(ga);
              this.note(
                'generic-alert',
                `${cmd.Data === 1226 ? 'generic alert' : 'client event'} ${ga.type ?? ''} from ${ga.source ?? '?'}: ${ga.data.slice(0, 200)}`,
              );
            }
            status(200);
            return;
          default:
            // A client's UI alert is ignored (oma-dm.md §9); unknown codes likewise.
            status(200);
            return;
        }
      case 'Replace': {
        // DevInfo in package 1 (oma-dm.md §3).
        for (const item of cmd.Items) {
          const uri = item.Source?.LocURI ?? item.Target?.LocURI;
          if (uri !== undefined) this.devInfo[uri] = dataText(item.Data);
        }
        if (cmd.Items.length > 0)
          this.note(
            'devinfo',
            `DevInfo: ${Object.entries(this.devInfo)
              .map(([k, v]) => `${k.replace('./DevInfo/', '')}=${v}`)
              .join(', ')}`,
          );
        status(200);
        return;
      }
      default:
        // A client sends only Replace (DevInfo), Results, Alert and Status (oma-dm.md §3).
        status(405);
    }
  }

  // -------------------------------------------------------------------- building our messages

  private header(): SyncHdr {
    this.msgId += 1;
    const acc = this.account;
    const hdr = createHeader({
      SessionID: this.sessionId,
      MsgID: this.msgId,
      Target: this.devId,
      Source: this.opts.serverUri,
      RespURI: this.opts.respUri,
    });
    if (this.msgId === 1) {
      hdr.Meta = { MaxMsgSize: this.opts.maxMsgSize ?? DEFAULT_LIMIT };
      if (this.opts.maxObjSize !== undefined) hdr.Meta.MaxObjSize = this.opts.maxObjSize;
    }
    if (this.sendServerCred && (acc.serverAuthType === 'basic' || acc.serverAuthType === 'md5')) {
      const secret = { name: this.serverId, password: acc.serverSecret };
      hdr.Cred =
        acc.serverAuthType === 'basic'
          ? buildCred(AUTH_BASIC, secret)
          : buildCred(AUTH_MD5, secret, decodeNonce(acc.serverNonce));
    }
    return hdr;
  }

  private limit(): number {
    return Math.max(this.clientMaxMsgSize, MIN_MSG_SIZE);
  }

  private assign(
    cmd: Command,
    ids: CmdIdCounter,
    planned: PlannedCommand | undefined,
    msgId: string,
    entry: QueueEntry,
    chunk: boolean,
  ): void {
    cmd.CmdID = ids.next();
    const ref: SentRef = { kind: cmd.kind, resend: entry };
    if (planned) ref.key = planned.key;
    if (chunk) ref.chunk = true;
    this.sent.set(`${msgId}:${cmd.CmdID}`, ref);
    if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence') {
      cmd.commands.forEach((inner, i) => this.assign(inner, ids, planned?.members[i], msgId, entry, false));
    }
  }

  /** A chunk of a large object: the first carries Meta Size (oma-dm.md §10). */
  private chunkOf(entry: QueueEntry, length: number): Command {
    const lo = entry.lo as NonNullable<QueueEntry['lo']>;
    const base = entry.command as Command & { Items: Item[] };
    const item0 = base.Items[0] as Item;
    const end = charBoundary(lo.bytes, lo.offset + length);
    const item: Item = { ...item0, Data: decodeUtf8(lo.bytes.subarray(lo.offset, end)) };
    const meta = { ...(item0.Meta ?? {}) };
    if (lo.offset === 0) meta.Size = lo.total;
    else delete meta.Size;
    if (Object.keys(meta).length > 0) item.Meta = meta;
    else delete item.Meta;
    if (end < lo.bytes.length) item.MoreData = true;
    else delete item.MoreData;
    return { ...clone(base), Items: [item] } as Command;
  }

  private chunkable(entry: QueueEntry): boolean {
    const cmd = entry.command;
    if (cmd.kind !== 'Add' && cmd.kind !== 'Replace') return false;
    const data = cmd.Items[0]?.Data;
    return cmd.Items.length === 1 && (typeof data === 'string' || data instanceof Uint8Array);
  }

  private tooBigForDevice(entry: QueueEntry): boolean {
    const cmd = entry.command;
    if (this.clientMaxObjSize === undefined || !('Items' in cmd)) return false;
    return cmd.Items.some((i) => {
      const d = i.Data;
      const size = typeof d === 'string' ? encodeUtf8(d).length : d instanceof Uint8Array ? d.length : 0;
      return size > (this.clientMaxObjSize as number);
    });
  }

  private recordLocal(entry: QueueEntry, note: string): void {
    const keys: string[] = [];
    const walk = (p: PlannedCommand): void => {
      keys.push(p.key);
      p.members.forEach(walk);
    };
    if (entry.planned) walk(entry.planned);
    for (const key of keys) this.run?.record(key, { skipped: 'not-sent', note });
    this.note('note', note);
  }

  /**
   * Fill one message: our statuses first, then queued commands while the encoded message
   * stays within the client's MaxMsgSize. Returns the message and whether commands remain.
   */
  private fill(
    statuses: Command[],
    extra: Command[],
    allowCommands: boolean,
    finalOverride?: boolean,
  ): { msg: SyncMLMessage; body: Uint8Array } {
    const hdr = this.header();
    const msgId = hdr.MsgID;
    const ids = new CmdIdCounter();
    const commands: Command[] = [];
    for (const st of statuses) {
      const c = { ...st, CmdID: ids.next() } as Command;
      commands.push(c);
    }
    for (const e of extra) commands.push({ ...e, CmdID: ids.next() } as Command);
    const make = (final: boolean): SyncMLMessage => ({
      SyncHdr: hdr,
      SyncBody: { commands: [...commands], Final: final },
    });
    const sentNow: QueueEntry[] = [];
    const limit = this.limit();
    while (allowCommands && this.queue.length > 0) {
      const entry = this.queue[0] as QueueEntry;
      if (!entry.lo && this.tooBigForDevice(entry)) {
        this.queue.shift();
        this.recordLocal(
          entry,
          `not sent: an item is larger than the device's MaxObjSize (${this.clientMaxObjSize ?? '?'})`,
        );
        continue;
      }
      if (!entry.lo) {
        const cmd = clone(entry.command);
        const mark = ids.count;
        const probe = new CmdIdCounter();
        for (let i = 0; i < mark; i++) probe.next();
        this.assignProbe(cmd, probe);
        commands.push(cmd);
        const candidate = this.opts.encode(make(this.queue.length === 1));
        if (candidate.length <= limit) {
          commands.pop();
          this.assign(cmd, ids, entry.planned, msgId, entry, false);
          commands.push(cmd);
          this.queue.shift();
          sentNow.push(entry);
          continue;
        }
        commands.pop();
        // Does not fit. Another message, unless this is the first command of this message.
        if (sentNow.length > 0) break;
        if (!this.chunkable(entry)) {
          // Send it anyway: a command must fit one message, the device answers 413 if it cannot.
          this.assign(cmd, ids, entry.planned, msgId, entry, false);
          commands.push(cmd);
          this.queue.shift();
          sentNow.push(entry);
          this.note(
            'split',
            `a ${cmd.kind} of ${candidate.length} bytes exceeds the device's MaxMsgSize ${limit} and cannot be chunked`,
          );
          continue;
        }
        const data = (entry.command as Command & { Items: Item[] }).Items[0]?.Data;
        const bytes = typeof data === 'string' ? encodeUtf8(data) : (data as Uint8Array);
        entry.lo = { bytes, offset: 0, total: bytes.length };
        this.note(
          'large-object',
          `${bytes.length} bytes for ${(entry.command as Command & { Items: Item[] }).Items[0]?.Target?.LocURI ?? '?'} go as a large object (MaxMsgSize ${limit})`,
        );
      }
      // A large object chunk: as much as fits, alone in the message after the statuses.
      const lo = entry.lo as NonNullable<QueueEntry['lo']>;
      let lo2 = 1;
      let hi = lo.bytes.length - lo.offset;
      let best: { cmd: Command } | undefined;
      while (lo2 <= hi) {
        const mid = Math.floor((lo2 + hi) / 2);
        const cmd = this.chunkOf(entry, mid);
        const probe = new CmdIdCounter();
        for (let i = 0; i < ids.count; i++) probe.next();
        this.assignProbe(cmd, probe);
        const last = !(cmd as Command & { Items: Item[] }).Items[0]?.MoreData;
        commands.push(cmd);
        const candidate = this.opts.encode(make(last && this.queue.length === 1));
        commands.pop();
        if (candidate.length <= limit) {
          best = { cmd };
          lo2 = mid + 1;
        } else hi = mid - 1;
      }
      if (!best) {
        // Not even one byte fits next to the statuses: send the statuses alone first.
        break;
      }
      const chunkCmd = best.cmd;
      const item = (chunkCmd as Command & { Items: Item[] }).Items[0] as Item;
      const isLast = !item.MoreData;
      this.assign(chunkCmd, ids, isLast ? entry.planned : undefined, msgId, entry, !isLast);
      commands.push(chunkCmd);
      lo.offset += encodeUtf8(dataText(item.Data)).length;
      if (isLast) {
        this.queue.shift();
        sentNow.push(entry);
      }
      break;
    }
    const final = finalOverride ?? this.queue.length === 0;
    const msg = make(final);
    const body = this.opts.encode(msg);
    if (finalOverride === undefined) this.midPackage = !final;
    if (sentNow.length > 0) this.lastSentEntries = sentNow;
    if (!final) this.note('split', `package continues in the next message (MaxMsgSize ${limit})`);
    return { msg, body };
  }

  private assignProbe(cmd: Command, ids: CmdIdCounter): void {
    cmd.CmdID = ids.next();
    if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence')
      cmd.commands.forEach((c) => this.assignProbe(c, ids));
  }

  private reply(
    statuses: Command[],
    extra: Command[],
    allowCommands: boolean,
    final?: boolean,
  ): OutgoingReply {
    const { msg, body } = this.fill(statuses, extra, allowCommands, final);
    const out: OutgoingReply = { message: msg, body, ended: false };
    if (this.account.serverAuthType === 'hmac') {
      out.hmac = buildHmacHeader(
        { name: this.serverId, password: this.account.serverSecret },
        decodeNonce(this.account.serverNonce),
        body,
      );
    }
    const hasCommands = msg.SyncBody.commands.some((c) => c.kind !== 'Status' && c.kind !== 'Results');
    if (!hasCommands && msg.SyncBody.Final && !this.pendingAuth()) {
      out.ended = true;
    }
    return out;
  }

  /** We still wait for the client to (re)authenticate, so a status-only reply does not end the session. */
  private pendingAuth(): boolean {
    return !this.clientAuthenticated;
  }

  private finish(out: OutgoingReply, outcome: SessionOutcome, reason?: string): OutgoingReply {
    out.ended = true;
    this.ended = true;
    this.outcome = outcome;
    this.run?.end(reason);
    return out;
  }

  // -------------------------------------------------------------------- the entry point

  handle(req: IncomingRequest): OutgoingReply {
    const msg = req.message;
    const hdr = msg.SyncHdr;
    if (hdr.Meta?.MaxMsgSize !== undefined) this.clientMaxMsgSize = hdr.Meta.MaxMsgSize;
    if (hdr.Meta?.MaxObjSize !== undefined) this.clientMaxObjSize = hdr.Meta.MaxObjSize;
    const ids = new CmdIdCounter();
    const statuses: Command[] = [];
    const auth = this.checkClient(req);
    statuses.push(statusForHeader(hdr, auth.code, ids.next(), auth.chal ? { Chal: auth.chal } : {}));

    if (auth.code === 401 || auth.code === 407) {
      // Every command gets a Status, and the reply holds nothing else (oma-dm.md §4).
      for (const cmd of msg.SyncBody.commands) {
        if (cmd.kind === 'Status' || cmd.kind === 'Results') continue;
        statuses.push(statusFor(cmd, auth.code, { CmdID: ids.next(), MsgRef: hdr.MsgID }));
      }
      const limitReached = this.authAttempts >= (this.opts.maxAuthAttempts ?? 3);
      const out = this.reply(statuses, [], false);
      out.ended = limitReached;
      if (limitReached) {
        this.note('auth', `authentication failed ${this.authAttempts} times: session ended`);
        return this.finish(out, 'auth-failed', 'the device could not authenticate');
      }
      return out;
    }

    if (this.initiatedBy === undefined) {
      const alert = msg.SyncBody.commands.find(
        (c) => c.kind === 'Alert' && (c.Data === 1200 || c.Data === 1201),
      );
      if (
        alert &&
        alert.kind === 'Alert' &&
        alert.Data === 1200 &&
        this.opts.notifiedSessionId !== undefined &&
        this.opts.notifiedSessionId !== this.sessionId
      ) {
        this.note(
          'note',
          `server-initiated session ${this.sessionId} does not match the notification's ${this.opts.notifiedSessionId}`,
        );
      }
    }

    const flags = { abort: false, nextMessage: false };
    for (const cmd of msg.SyncBody.commands) this.onClientCommand(cmd, msg, ids, statuses, flags);
    // A Get whose Results still come in chunks is recorded once they are all in.
    for (const [key, outcome] of [...this.pendingOutcomes]) {
      if (this.incoming.has(key)) continue;
      this.pendingOutcomes.delete(key);
      this.run?.record(key, outcome);
    }

    if (flags.abort) {
      this.note('note', 'the device aborted the session (1223)');
      this.queue.length = 0;
      return this.finish(
        this.reply(statuses, [], false),
        'aborted-by-client',
        'the device aborted the session',
      );
    }

    // The client's package goes on in another message: ask for it (oma-dm.md §3.1).
    if (!msg.SyncBody.Final && !this.midPackage) {
      const more: Command = { kind: 'Alert', CmdID: '', Data: 1222, Items: [] };
      return this.reply(statuses, [more], false, false);
    }

    if (!this.midPackage && this.run?.active && this.queue.length === 0) {
      for (const planned of this.run.nextBatch()) this.queue.push({ planned, command: planned.command });
    }
    const out = this.reply(statuses, [], true);
    if (out.ended) {
      this.note('note', 'nothing more to do: the session ends with this package');
      return this.finish(out, 'completed');
    }
    return out;
  }

  /** The HTTP side gave up on the session (no message for too long, server shutting down). */
  abandon(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.outcome = 'abandoned';
    this.note('note', reason);
    this.run?.end(reason);
  }
}

export { parseHmacHeader };
