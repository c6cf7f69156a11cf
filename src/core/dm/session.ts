/**
 * The OMA DM 1.2 client session: a sans-I/O state machine (shared/spec/oma-dm.md §3-§11,
 * architecture.md "sans-I/O session").
 *
 *   const session = createSession({ tree, serverId, clock, random, prompter });
 *   for (let out = session.nextMessage(); out; out = session.nextMessage()) {
 *     const reply = await transport.post(out.url, out.body, out.headers);   // the caller's I/O
 *     await session.receive(reply);                                        // tree + prompter only
 *   }
 *   session.trace  // JSON: messages, commands paired with statuses, outcome and reason
 *
 * `runSession(session, transport)` is that loop. The engine touches the outside world only
 * through the management tree (async writes) and the Prompter port; everything else (HTTP,
 * timers) is the caller's.
 *
 * What it does:
 * - package 1: Alert 1201 (client-initiated) or 1200 (server-initiated; SessionID = the
 *   package-0 session id in upper-case hex), Replace of every ./DevInfo leaf, queued 1226;
 * - authentication both ways (basic, md5, HMAC), Chal handling, nonces kept in AAuthData,
 *   bounded retries, a plain reason when it fails (§7);
 * - every server command run against the tree as `server(ServerID)`, statuses per Item,
 *   Results after their Status, Atomic all-or-nothing, Sequence, UI alerts via the Prompter;
 * - multi-message packages both ways (Alert 1222, only the last message has Final), the
 *   server's MaxMsgSize honoured, large objects both ways (MoreData, 213, 424, 1225), session
 *   abort 1223 both ways;
 * - hard bounds: messages per session, authentication attempts;
 * - "ask before operator changes": `confirmServerChange` before writes that touch the user's
 *   Active / Default / Locked settings (server-change.ts, decision 0100).
 */
import { encodeUtf8, utf8Length } from '../bytes/index.ts';
import { OtaError } from '../errors.ts';
import { DM_CONTENT_TYPES } from '../media-types.ts';
import type { Clock, HttpHeaders, HttpTransport, Prompter, Random } from '../ports.ts';
import { TransportError } from '../ports.ts';
import { alertCommand, createHeader, statusFor, statusForHeader, statusForItem } from '../syncml/build.ts';
import { AlertCode } from '../syncml/alert-codes.ts';
import type {
  Alert,
  Chal,
  Command,
  Item,
  Replace,
  Results,
  Status,
  SyncHdr,
  SyncMLMessage,
} from '../syncml/message.ts';
import { readSyncML } from '../syncml/read.ts';
import { writeSyncML } from '../syncml/write.ts';
import { statusText } from '../syncml/status-codes.ts';
import { DEVICE, server, type Principal } from '../tree/types.ts';
import type { ManagementTree } from '../tree/tree.ts';
import { decodeWbxml } from '../wbxml/decode.ts';
import type { XmlDocument } from '../wbxml/document.ts';
import { encodeWbxml } from '../wbxml/encode.ts';
import { parseXml } from '../xml/parse.ts';
import { writeXml } from '../xml/write.ts';
import { findAccount, storeNonce, type DmAccount } from './account.ts';
import type { AnswerOptions, UserInteraction } from './alerts.ts';
import {
  AUTH_BASIC,
  AUTH_MAC,
  AUTH_MD5,
  HMAC_HEADER,
  buildChal,
  buildCred,
  buildHmacHeader,
  newNonce,
  normalizeAuthType,
  parseChal,
  verifyCred,
  verifyHmac,
  type AuthType,
  type Secret,
  authTypeFromAAuthType,
} from './auth.ts';
import { notExecuted, runCommand } from './commands/index.ts';
import { applyStatusFaults, type FaultPlan } from './faults.ts';
import type { CommandContext, GenericAlert, Reply } from './commands/types.ts';
import { createExecRegistry, type ExecRegistry } from './exec-registry.ts';
import { IncomingObject, takeText, type ChunkedCommand } from './large-object.ts';
import { parsePackage0, sessionIdForAlert, verifyPackage0, type Package0, type UiMode } from './package0.ts';
import { ChangeGate, describeChange, type ServerChange } from './server-change.ts';
import {
  TraceRecorder,
  type DmEncoding,
  type SessionOutcome,
  type SessionPhase,
  type SessionTrace,
} from './trace.ts';

export type { DmEncoding, SessionOutcome, SessionPhase, SessionTrace } from './trace.ts';
export type { GenericAlert } from './commands/types.ts';
export type { ServerChange } from './server-change.ts';

// ---------------------------------------------------------------------------------------
// Encoding

export { DM_CONTENT_TYPES };

/** Message <-> bytes for one encoding, plus XML text for display. Pluggable for tests. */
export interface SyncMLCodec {
  encode(msg: SyncMLMessage, encoding: DmEncoding): Uint8Array;
  /** Throws (WbxmlError, XmlError, SyncMLError) when the bytes are not a SyncML message. */
  decode(bytes: Uint8Array, encoding: DmEncoding): { message: SyncMLMessage; document: XmlDocument };
  /** Indented XML text of a document, for the trace. */
  display(doc: XmlDocument): string;
  /** Compact XML text of embedded elements (a WBXML TNDS inside Data). */
  writeXml(doc: XmlDocument): string;
}

export const defaultCodec: SyncMLCodec = {
  encode(msg, encoding) {
    const doc = writeSyncML(msg);
    return encoding === 'wbxml' ? encodeWbxml(doc) : encodeUtf8(writeXml(doc));
  },
  decode(bytes, encoding) {
    const document =
      encoding === 'wbxml' ? decodeWbxml(bytes).document : parseXml(new TextDecoder().decode(bytes));
    return { message: readSyncML(document), document };
  },
  display: (doc) => writeXml(doc, { indent: true }),
  writeXml: (doc) => writeXml(doc, { declaration: false }),
};

/** The encoding of a reply: from its content type, else by sniffing the first byte. */
export function encodingOf(contentType: string | undefined, body: Uint8Array): DmEncoding | undefined {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('wbxml')) return 'wbxml';
  if (ct.includes('xml')) return 'xml';
  const first = body.find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
  if (first === 0x3c || first === 0xef) return 'xml';
  if (first !== undefined && first >= 0x01 && first <= 0x03) return 'wbxml';
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Package 0

export type NotificationCheck =
  | {
      ok: true;
      notification: Package0;
      account: DmAccount;
      /** The SyncHdr SessionID: the notification's session id as upper-case hex. */
      sessionId: string;
      uiMode: UiMode;
      /** What the caller does before connecting (decision 0056). */
      consent: 'connect' | 'inform-then-connect' | 'ask-user';
      /** The SRVCRED nonce the digest matched with (the fallback nonce after a failed first try). */
      nonce: Uint8Array | undefined;
      nonceUsed: 'stored' | 'fallback-zero-bytes' | 'fallback-ascii' | 'unverified';
      warnings: string[];
    }
  | {
      ok: false;
      code: 'malformed' | 'unknown-server' | 'no-server-credentials' | 'digest-mismatch';
      reason: string;
      notification?: Package0;
    };

export function consentFor(uiMode: UiMode): 'connect' | 'inform-then-connect' | 'ask-user' {
  if (uiMode === 'user-interaction') return 'ask-user';
  if (uiMode === 'informative') return 'inform-then-connect';
  return 'connect';
}

/**
 * Reads and verifies a package 0 against the DMAcc account of its server identifier
 * (oma-dm.md §8): digest with the SRVCRED password and nonce, then the fallback nonce.
 * A package 0 for an account without SRVCRED credentials is refused unless
 * `allowUnverified` (decision 0056).
 */
export function checkNotification(
  tree: ManagementTree,
  bytes: Uint8Array,
  options: { allowUnverified?: boolean; acceptedVersions?: readonly number[] } = {},
): NotificationCheck {
  let pkg: Package0;
  try {
    pkg = parsePackage0(
      bytes,
      options.acceptedVersions ? { acceptedVersions: options.acceptedVersions } : {},
    );
  } catch (error) {
    return {
      ok: false,
      code: 'malformed',
      reason: `The notification cannot be read: ${(error as Error).message}.`,
    };
  }
  const account = findAccount(tree, pkg.serverId);
  if (!account) {
    return {
      ok: false,
      code: 'unknown-server',
      reason: `The notification names server "${pkg.serverId}", but no DM account on this handset has that ServerID.`,
      notification: pkg,
    };
  }
  const base = {
    ok: true as const,
    notification: pkg,
    account,
    sessionId: sessionIdForAlert(pkg.sessionId),
    uiMode: pkg.uiMode,
    consent: consentFor(pkg.uiMode),
    warnings: [] as string[],
  };
  if (pkg.initiator !== 'server')
    base.warnings.push('the initiator bit says "client"; the notification is handled anyway');
  const srv = account.server;
  if (!srv || srv.secret === '') {
    if (options.allowUnverified) {
      base.warnings.push('the digest was not checked: the account has no server credentials (SRVCRED)');
      return { ...base, nonce: undefined, nonceUsed: 'unverified' };
    }
    return {
      ok: false,
      code: 'no-server-credentials',
      reason: `The account for "${pkg.serverId}" has no server password (AppAuth with AAuthLevel SRVCRED), so the notification's digest cannot be checked.`,
      notification: pkg,
    };
  }
  const check = verifyPackage0(pkg, { password: srv.secret, nonce: srv.nonce });
  if (!check.ok) {
    return {
      ok: false,
      code: 'digest-mismatch',
      reason: `The notification's digest does not match the server password and nonce stored for "${pkg.serverId}" (nor the fallback nonce 0x00000000); it was ignored.`,
      notification: pkg,
    };
  }
  if (check.nonceUsed !== 'stored')
    base.warnings.push(
      `the digest matched only with the fallback nonce (${check.nonceUsed}); the session renegotiates the nonce`,
    );
  return { ...base, nonce: check.nonce, nonceUsed: check.nonceUsed };
}

// ---------------------------------------------------------------------------------------
// The session

export const DEFAULT_MAX_MSG_SIZE = 16384;
export const DEFAULT_MAX_OBJ_SIZE = 1024 * 1024;
export const DEFAULT_MAX_MESSAGES = 100;
export const DEFAULT_MAX_AUTH_RETRIES = 2;

export interface SessionOptions {
  tree: ManagementTree;
  /** ServerID of the DMAcc account to talk to. */
  serverId: string;
  clock: Clock;
  random: Random;
  /** Asks the user (UI alerts). Without one, UI alerts are answered 406. */
  prompter?: Prompter;
  /** Server-initiated session: the verified notification from `checkNotification`. */
  notification?: Extract<NotificationCheck, { ok: true }>;
  /** Overrides the account's encoding preference. */
  encoding?: DmEncoding;
  /** Overrides the account's server address (e.g. the CLI's --server). */
  serverUrl?: string;
  /** The largest message the handset accepts (announced as MaxMsgSize). Default 16384. */
  maxMsgSize?: number;
  /** The largest object the handset accepts (announced as MaxObjSize). Default 1 MiB. */
  maxObjSize?: number;
  exec?: ExecRegistry;
  /** Server messages per session before the handset gives up. Default 100. */
  maxMessages?: number;
  /** Credential retries after a 401/407. Default 2. Also bounds server-authentication failures. */
  maxAuthRetries?: number;
  /** Client-initiated SessionID; default random 1-4 hex digits. */
  sessionId?: string;
  /** Generic alerts for package 1. */
  genericAlerts?: GenericAlert[];
  answerOptions?: AnswerOptions;
  codec?: SyncMLCodec;
  /** Told whenever the phase changes (idle indicator, "waiting for you"). */
  onPhase?: (phase: SessionPhase, request?: UserInteraction) => void;
  /** Asked before a server command changes which instance is Active or Default, locks or unlocks one, or modifies or deletes an instance that is Active or Locked. false: the command is answered 215 and changes nothing. */
  confirmServerChange?: (change: ServerChange) => Promise<boolean>;
  /** Fault injection for testing servers: chosen commands/nodes answer a chosen status (faults.ts). */
  faults?: FaultPlan;
}

/** A message to POST. */
export interface OutgoingMessage {
  url: string;
  body: Uint8Array;
  contentType: string;
  /** Lower-case names: content-type, accept, accept-charset, x-syncml-hmac when HMAC is in use. */
  headers: HttpHeaders;
  MsgID: string;
  final: boolean;
}

/** A reply the caller received. */
export interface IncomingReply {
  body: Uint8Array;
  /** Lower-case header names. */
  headers: HttpHeaders;
  /** HTTP status; anything but 2xx ends the session. */
  status?: number;
}

/** Thrown by `createSession` when the session cannot even start. */
export class SessionSetupError extends OtaError {
  constructor(
    code: 'account-not-found' | 'account-without-address',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}

/** An outgoing command before its CmdID is assigned. */
interface Outgoing {
  cmd: Command;
  reason?: string;
}

interface ClientAuth {
  type: AuthType;
  secret: Secret;
  nonce: Uint8Array;
  credUri?: string;
}

interface ServerAuth {
  type: AuthType;
  secret: Secret;
  nonce: Uint8Array;
  credUri: string;
}

interface OutChunk {
  results: Results;
  item: Item;
  rest: string;
  total: number;
  first: boolean;
}

function randomSessionId(random: Random): string {
  const b = random.bytes(2);
  return sessionIdForAlert(((b[0] ?? 0) << 8) | (b[1] ?? 0) || 1);
}

function errorJson(error: unknown): SessionTrace['error'] {
  if (error instanceof OtaError) return error.toJSON();
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, code: 'unexpected', message: e.message, details: {} };
}

function transportReason(error: TransportError): string {
  switch (error.kind) {
    case 'timeout':
      return `The server at ${error.url} did not answer in time; the session was dropped.`;
    case 'network':
      return `The connection to ${error.url} failed: ${error.message}`;
    case 'http-status': {
      const s = error.httpStatus ?? 0;
      if (s === 401 || s === 407)
        return `The server (or a proxy) answered HTTP ${s} ${s === 401 ? 'Unauthorized' : 'Proxy Authentication Required'} instead of a SyncML message. DM authenticates inside SyncML, so this is usually a wrong server URL or a proxy asking for its own login.`;
      return `The server answered HTTP ${s} instead of a SyncML message.`;
    }
  }
}

const AUTH_NAMES: Record<AuthType, string> = {
  [AUTH_BASIC]: 'syncml:auth-basic',
  [AUTH_MD5]: 'syncml:auth-md5',
  [AUTH_MAC]: 'HMAC (syncml:auth-MAC)',
};

export class DmSession {
  readonly account: DmAccount;
  readonly sessionId: string;
  /** The encoding the handset sends; it follows the server's when a reply comes in the other one. */
  encoding: DmEncoding;
  readonly serverUrl: string;
  readonly principal: Principal;
  readonly origin: string;
  private readonly recorder: TraceRecorder;
  private readonly tree: ManagementTree;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly codec: SyncMLCodec;
  private readonly exec: ExecRegistry;
  private readonly options: SessionOptions;
  private readonly maxMsgSize: number;
  private readonly maxObjSize: number;
  private readonly maxMessages: number;
  private readonly maxAuthRetries: number;
  private readonly devId: string;
  /** One per session, so each (instance, what) is asked once (decision 0100). */
  private readonly changeGate: ChangeGate | undefined;

  private currentPhase: SessionPhase = 'connecting';
  private finished = false;
  private awaiting = false;
  private aborting: string | undefined;
  private abortOutcome: SessionOutcome = 'aborted-by-client';
  private abortRequested: { reason: string; outcome: SessionOutcome } | undefined;

  private nextMsgId = 1;
  private lastSentMsgId = '';
  private lastSentAt = 0;
  private lastSentFinal = true;
  /** Our last message was one part of a package we split (no Final, no 1222 of ours). */
  private splitting = false;
  private queue: Outgoing[] = [];
  private package1: Command[] = [];
  private headerStatus: Outgoing | undefined;
  private respUri: string | undefined;
  private serverMaxMsgSize: number | undefined;
  private serverMaxObjSize: number | undefined;
  private serverPackageOpen = false;
  private packageHadCommands = false;
  private packageCancelled = false;
  private received = 0;
  private outChunk: OutChunk | undefined;
  private inObject: IncomingObject | undefined;
  private rejectedObjectTarget: string | undefined;

  private clientAuth: ClientAuth | undefined;
  private clientAuthenticated = false;
  private clientAuthRetries = 0;
  private serverAuth: ServerAuth | undefined;
  private serverAuthenticated = false;
  private serverAuthFailures = 0;
  private pendingServerNonce: Uint8Array | undefined;

  constructor(options: SessionOptions, account: DmAccount) {
    this.options = options;
    this.account = account;
    this.tree = options.tree;
    this.clock = options.clock;
    this.random = options.random;
    this.codec = options.codec ?? defaultCodec;
    this.exec = options.exec ?? createExecRegistry();
    this.maxMsgSize = options.maxMsgSize ?? DEFAULT_MAX_MSG_SIZE;
    this.maxObjSize = options.maxObjSize ?? DEFAULT_MAX_OBJ_SIZE;
    this.maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
    this.maxAuthRetries = options.maxAuthRetries ?? DEFAULT_MAX_AUTH_RETRIES;
    this.encoding = options.encoding ?? account.encoding;
    this.serverUrl = options.serverUrl ?? account.serverUrl;
    this.sessionId = options.notification?.sessionId ?? options.sessionId ?? randomSessionId(this.random);
    this.principal = server(account.serverId);
    this.origin = `session ${this.sessionId} with ${account.serverId}`;
    const devIdResult = this.tree.get(DEVICE, './DevInfo/DevId');
    this.devId = devIdResult.value ?? '';
    this.recorder = new TraceRecorder({
      SessionID: this.sessionId,
      serverId: account.serverId,
      accountUri: account.uri,
      serverUrl: this.serverUrl,
      initiator: options.notification ? 'server' : 'client',
      encoding: this.encoding,
      started: this.clock.now(),
    });
    for (const w of account.warnings) this.event('warning', w);
    if (options.notification) for (const w of options.notification.warnings) this.event('warning', w);
    this.setupAuth();
    this.buildPackage1();
    const confirm = options.confirmServerChange;
    this.changeGate = confirm
      ? new ChangeGate({
          tree: this.tree,
          serverId: account.serverId,
          confirm,
          onAsking: (asking) => this.setPhase(asking ? 'waiting-for-user' : 'in-session'),
          onAnswer: (change, allowed) =>
            this.event(
              'info',
              `ask before operator changes: the user ${allowed ? 'allowed' : 'refused'} "${describeChange(change)}" (command ${change.cmdId})`,
            ),
        })
      : undefined;
  }

  // ------------------------------------------------------------------- public surface

  get trace(): SessionTrace {
    return this.recorder.trace;
  }

  get phase(): SessionPhase {
    return this.currentPhase;
  }

  get done(): boolean {
    return this.finished;
  }

  get outcome(): SessionOutcome | undefined {
    return this.recorder.trace.outcome;
  }

  get reason(): string | undefined {
    return this.recorder.trace.reason;
  }

  /**
   * Queues a Generic Alert 1226 for the next message (oma-dm.md §11), e.g. after the user's
   * "ask me before the operator changes my active or locked settings" option declined a
   * change. Returns false when the session is already over.
   */
  queueGenericAlert(alert: GenericAlert): boolean {
    if (this.finished) return false;
    const cmd = this.genericAlertCommand(alert);
    if (this.nextMsgId === 1) this.package1.push(cmd);
    this.queue.push({ cmd });
    return true;
  }

  /** The user (or the caller) aborts: the next message carries Alert 1223 and Final. */
  abort(reason = 'The user ended the session.'): void {
    if (this.finished) return;
    if (this.nextMsgId === 1) {
      this.finish('aborted-by-client', reason);
      return;
    }
    this.abortRequested = { reason, outcome: 'aborted-by-client' };
    if (!this.awaiting) this.setPhase('in-session');
  }

  /**
   * The next message to POST, or undefined when the session is over. Call it again only
   * after `receive` (or `fail`) for the previous one.
   */
  nextMessage(): OutgoingMessage | undefined {
    if (this.finished) return undefined;
    if (this.awaiting)
      throw new OtaError('session-busy', 'nextMessage() called before the previous reply was received');
    if (this.abortRequested) return this.buildAbort();
    return this.buildMessage();
  }

  /** The transport failed (timeout, network, HTTP status): the session ends with a reason. */
  fail(error: unknown): void {
    if (this.finished) return;
    this.awaiting = false;
    if (this.aborting !== undefined) {
      this.finish(this.abortOutcome, this.aborting);
      return;
    }
    const reason =
      error instanceof TransportError
        ? transportReason(error)
        : `The session failed: ${error instanceof Error ? error.message : String(error)}`;
    this.finish('failed', reason, errorJson(error));
  }

  /** Hands the engine the server's reply. Never throws for protocol problems. */
  async receive(reply: IncomingReply): Promise<void> {
    if (this.finished) return;
    if (!this.awaiting)
      throw new OtaError('session-not-waiting', 'receive() called without an outstanding message');
    this.awaiting = false;
    if (reply.status !== undefined && (reply.status < 200 || reply.status > 299)) {
      this.fail(
        new TransportError('http-status', `HTTP ${reply.status}`, {
          url: this.currentUrl(),
          httpStatus: reply.status,
        }),
      );
      return;
    }
    try {
      await this.process(reply);
    } catch (error) {
      this.finish(
        'failed',
        `The handset could not process the server's message: ${error instanceof Error ? error.message : String(error)}. Changes already reported as done are saved; the rest were not made.`,
        errorJson(error),
      );
    }
  }

  // ------------------------------------------------------------------- setup

  private event(level: 'info' | 'warning' | 'error', text: string): void {
    this.recorder.event(this.clock.now(), level, text);
  }

  private setPhase(phase: SessionPhase, request?: UserInteraction): void {
    this.currentPhase = phase;
    this.options.onPhase?.(phase, request);
  }

  private finish(outcome: SessionOutcome, reason: string, error?: SessionTrace['error']): void {
    if (this.finished) return;
    this.finished = true;
    this.awaiting = false;
    this.recorder.finish(this.clock.now(), outcome, reason, error);
    this.setPhase('done');
  }

  private setupAuth(): void {
    const a = this.account;
    const cl = a.client;
    if (cl) {
      const pref =
        a.authPref !== '' ? normalizeAuthType(authTypeFromAAuthType(a.authPref) ?? a.authPref) : undefined;
      const type = pref ?? cl.type;
      if (type) {
        this.clientAuth = {
          type,
          secret: { name: cl.name, password: cl.secret },
          nonce: cl.nonce ?? new Uint8Array(0),
          credUri: cl.uri,
        };
      } else {
        this.event(
          'warning',
          `the account's client credentials use AAuthType ${cl.aauthType}, which this handset does not send; no credentials are sent`,
        );
      }
    }
    const sv = a.server;
    if (sv?.type) {
      const nonce = this.options.notification?.nonce ?? sv.nonce ?? new Uint8Array(0);
      this.serverAuth = {
        type: sv.type,
        secret: { name: sv.name !== '' ? sv.name : a.serverId, password: sv.secret },
        nonce,
        credUri: sv.uri,
      };
    } else if (sv) {
      this.event(
        'warning',
        `the account's server credentials use AAuthType ${sv.aauthType}, which this handset cannot check; the server is not authenticated`,
      );
    }
  }

  private buildPackage1(): void {
    const code = this.options.notification ? AlertCode.ServerInitiatedMgmt : AlertCode.ClientInitiatedMgmt;
    const cmds: Command[] = [alertCommand('', code)];
    const list = this.tree.list(DEVICE, './DevInfo', 'StructData');
    const items: Item[] = [];
    for (const li of list.items ?? []) {
      if (li.format === 'node') continue;
      const item: Item = { Source: { LocURI: li.uri }, Data: li.value ?? '' };
      if (li.format !== 'chr') item.Meta = { Format: li.format === 'bin' ? 'b64' : li.format };
      items.push(item);
    }
    if (items.length > 0) cmds.push({ kind: 'Replace', CmdID: '', Items: items } satisfies Replace);
    for (const g of this.options.genericAlerts ?? []) cmds.push(this.genericAlertCommand(g));
    this.package1 = cmds;
    this.queue = cmds.map((cmd) => ({ cmd: structuredCloneCommand(cmd) }));
  }

  private genericAlertCommand(g: GenericAlert): Alert {
    const meta: Item['Meta'] = { Type: g.type, Format: g.format };
    if (g.mark !== undefined) meta.Mark = g.mark;
    const item: Item = { Meta: meta, Data: g.data };
    if (g.source !== undefined) item.Source = { LocURI: g.source };
    if (g.target !== undefined) item.Target = { LocURI: g.target };
    return alertCommand('', AlertCode.GenericAlert, [item], g.correlator);
  }

  // ------------------------------------------------------------------- building messages

  private currentUrl(): string {
    return this.respUri ?? this.serverUrl;
  }

  private header(msgId: string): SyncHdr {
    const ca = this.clientAuth;
    const source = ca && ca.secret.name !== '' ? { LocURI: this.devId, LocName: ca.secret.name } : this.devId;
    const hdr = createHeader({
      SessionID: this.sessionId,
      MsgID: msgId,
      Target: this.serverUrl,
      Source: source,
      MaxMsgSize: this.maxMsgSize,
      MaxObjSize: this.maxObjSize,
    });
    if (ca && !this.clientAuthenticated && ca.type !== AUTH_MAC) {
      hdr.Cred = buildCred(ca.type, ca.secret, ca.nonce);
    }
    return hdr;
  }

  private encode(msg: SyncMLMessage): Uint8Array {
    return this.codec.encode(msg, this.encoding);
  }

  private assign(commands: Outgoing[]): Command[] {
    return commands.map((o, i) => ({ ...o.cmd, CmdID: String(i + 1) }) as Command);
  }

  /** Fills one message from the queue within the server's MaxMsgSize. */
  private buildMessage(): OutgoingMessage {
    const msgId = String(this.nextMsgId++);
    const hdr = this.header(msgId);
    const limit = this.serverMaxMsgSize ?? Number.POSITIVE_INFINITY;
    const base: Outgoing[] = [];
    if (this.headerStatus) base.push(this.headerStatus);
    const ask = this.serverPackageOpen;
    if (ask) base.push({ cmd: alertCommand('', AlertCode.NextMessage) });
    const taken: Outgoing[] = [...base];
    const sizeOf = (list: Outgoing[]): number =>
      this.encode({ SyncHdr: hdr, SyncBody: { commands: this.assign(list), Final: true } }).length;

    let chunkSent = false;
    if (this.outChunk) {
      taken.push(this.nextChunk(taken, sizeOf, limit));
      chunkSent = true;
    } else {
      // The longest prefix of the queue that fits, by binary search: encoding a trial message
      // per queued command made a 100-command reply cost ~100 whole-message encodes (bench/session.ts).
      // A message only grows as commands are added, so the search finds what a linear scan would.
      if (limit !== Number.POSITIVE_INFINITY && this.queue.length > 1) {
        let fits = 0;
        let over = this.queue.length + 1;
        if (sizeOf([...taken, ...this.queue]) <= limit) fits = this.queue.length;
        else over = this.queue.length;
        while (over - fits > 1) {
          const mid = (fits + over) >> 1;
          if (sizeOf([...taken, ...this.queue.slice(0, mid)]) <= limit) fits = mid;
          else over = mid;
        }
        taken.push(...this.queue.splice(0, fits));
      }
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        const trial = [...taken, next];
        if (limit === Number.POSITIVE_INFINITY || sizeOf(trial) <= limit) {
          taken.push(next);
          this.queue.shift();
          continue;
        }
        // Does not fit. Results can be split (several Results, or chunks of one Item).
        if (next.cmd.kind === 'Results' && next.cmd.Items.length > 1) {
          const items = next.cmd.Items;
          let n = 0;
          while (
            n + 1 < items.length &&
            sizeOf([...taken, { cmd: { ...next.cmd, Items: items.slice(0, n + 1) } }]) <= limit
          )
            n++;
          if (n > 0) {
            taken.push({ cmd: { ...next.cmd, Items: items.slice(0, n) } });
            this.queue[0] = { cmd: { ...next.cmd, Items: items.slice(n) } };
            break;
          }
          if (taken.length > base.length) break;
          // Not even one Item fits with nothing else: send the first Item alone (chunked below).
          this.queue[0] = { cmd: { ...next.cmd, Items: items.slice(1) } };
          this.queue.unshift({ cmd: { ...next.cmd, Items: items.slice(0, 1) } });
          continue;
        }
        if (
          next.cmd.kind === 'Results' &&
          next.cmd.Items.length === 1 &&
          typeof next.cmd.Items[0]!.Data === 'string'
        ) {
          if (taken.length > base.length) break; // start the object in a message of its own
          this.queue.shift();
          const item = next.cmd.Items[0]!;
          this.outChunk = {
            results: next.cmd,
            item,
            rest: item.Data as string,
            total: utf8Length(item.Data as string),
            first: true,
          };
          taken.push(this.nextChunk(taken, sizeOf, limit));
          chunkSent = true;
          break;
        }
        if (taken.length === base.length) {
          this.event(
            'warning',
            `a ${next.cmd.kind} does not fit the server's MaxMsgSize ${limit}; it is sent anyway`,
          );
          taken.push(next);
          this.queue.shift();
        }
        break;
      }
    }
    const final = !ask && this.queue.length === 0 && !this.outChunk;
    this.splitting = !final && !ask;
    if (chunkSent && this.outChunk === undefined)
      this.event('info', 'the last chunk of a large object was sent');
    const commands = this.assign(taken);
    const message: SyncMLMessage = { SyncHdr: hdr, SyncBody: { commands, Final: final } };
    return this.emit(message, taken);
  }

  /** The next chunk of the outgoing large object, sized to what is left of the message. */
  private nextChunk(taken: Outgoing[], sizeOf: (list: Outgoing[]) => number, limit: number): Outgoing {
    const chunk = this.outChunk!;
    const make = (data: string, more: boolean): Outgoing => {
      const item: Item = { ...chunk.item, Data: data };
      const meta = { ...(chunk.item.Meta ?? {}) };
      if (chunk.first) meta.Size = chunk.total;
      else delete meta.Size;
      if (Object.keys(meta).length > 0) item.Meta = meta;
      if (more) item.MoreData = true;
      else delete item.MoreData;
      return { cmd: { ...chunk.results, Items: [item] } };
    };
    if (sizeOf([...taken, make(chunk.rest, false)]) <= limit) {
      this.outChunk = undefined;
      return make(chunk.rest, false);
    }
    const overhead = sizeOf([...taken, make('', true)]);
    let room = Math.max(16, limit - overhead);
    for (;;) {
      const [piece, rest] = takeText(chunk.rest, room);
      const out = make(piece, rest !== '');
      const size = sizeOf([...taken, out]);
      if (size <= limit || room <= 16) {
        if (size > limit) this.event('warning', `a chunk exceeds the server's MaxMsgSize ${limit}`);
        chunk.rest = rest;
        chunk.first = false;
        if (rest === '') this.outChunk = undefined;
        return out;
      }
      room = Math.max(16, room - (size - limit) - 8);
    }
  }

  private buildAbort(): OutgoingMessage {
    const req = this.abortRequested!;
    this.abortRequested = undefined;
    this.aborting = req.reason;
    this.abortOutcome = req.outcome;
    const msgId = String(this.nextMsgId++);
    const hdr = this.header(msgId);
    const taken: Outgoing[] = [];
    if (this.headerStatus) taken.push(this.headerStatus);
    // Statuses for work already done, then the abort (oma-dm.md §3.2).
    for (const o of this.queue) if (o.cmd.kind === 'Status' || o.cmd.kind === 'Results') taken.push(o);
    this.queue = [];
    this.outChunk = undefined;
    taken.push({ cmd: alertCommand('', AlertCode.SessionAbort), reason: req.reason });
    const message: SyncMLMessage = { SyncHdr: hdr, SyncBody: { commands: this.assign(taken), Final: true } };
    this.event('info', `the handset aborts the session (Alert 1223): ${req.reason}`);
    return this.emit(message, taken);
  }

  /** Encodes, signs, records and hands out a message. */
  private emit(message: SyncMLMessage, taken: Outgoing[]): OutgoingMessage {
    const body = this.encode(message);
    const contentType = DM_CONTENT_TYPES[this.encoding];
    const headers: HttpHeaders = {
      'content-type': contentType,
      accept: `${DM_CONTENT_TYPES[this.encoding]}, ${DM_CONTENT_TYPES[this.encoding === 'xml' ? 'wbxml' : 'xml']};q=0.9`,
      'accept-charset': 'utf-8',
      'cache-control': 'no-store',
    };
    const ca = this.clientAuth;
    if (ca && ca.type === AUTH_MAC) headers[HMAC_HEADER] = buildHmacHeader(ca.secret, ca.nonce, body);
    const url = this.currentUrl();
    const msgId = message.SyncHdr.MsgID;
    const now = this.clock.now();
    let text: string;
    try {
      text = this.codec.display(writeSyncML(message));
    } catch {
      text = '';
    }
    this.recorder.message(
      {
        direction: 'out',
        time: now,
        url,
        contentType,
        headers,
        text,
        encoding: this.encoding,
        MsgID: msgId,
        final: message.SyncBody.Final,
      },
      body,
    );
    message.SyncBody.commands.forEach((cmd, i) => {
      const reason = taken[i]?.reason;
      if (cmd.kind === 'Status') {
        if (cmd.CmdRef === '0')
          this.event(
            'info',
            `status ${cmd.Data} (${statusText(cmd.Data)}) for the server's message ${cmd.MsgRef}`,
          );
        else this.recorder.status('client', cmd, msgId, reason);
      } else if (cmd.kind === 'Results') this.recorder.results('client', cmd, msgId);
      else this.recorder.command('client', msgId, cmd);
    });
    this.headerStatus = undefined;
    this.lastSentMsgId = msgId;
    this.lastSentAt = now;
    this.lastSentFinal = message.SyncBody.Final;
    this.awaiting = true;
    return { url, body, contentType, headers, MsgID: msgId, final: message.SyncBody.Final };
  }

  // ------------------------------------------------------------------- receiving

  private async process(reply: IncomingReply): Promise<void> {
    const now = this.clock.now();
    this.received++;
    const headers: HttpHeaders = {};
    for (const [k, v] of Object.entries(reply.headers)) headers[k.toLowerCase()] = v;
    const contentType = headers['content-type'] ?? '';
    const encoding = encodingOf(contentType, reply.body);
    let message: SyncMLMessage;
    let text: string;
    try {
      if (!encoding)
        throw new OtaError(
          'not-syncml',
          `the reply (${contentType || 'no content type'}, ${reply.body.length} bytes) is not a SyncML DM message`,
        );
      const decoded = this.codec.decode(reply.body, encoding);
      message = decoded.message;
      try {
        text = this.codec.display(decoded.document);
      } catch {
        text = '';
      }
    } catch (error) {
      const reasonText = error instanceof Error ? error.message : String(error);
      const entry = {
        direction: 'in' as const,
        time: now,
        httpStatus: reply.status ?? 200,
        contentType,
        headers,
        text: '',
        decodeError: reasonText,
      };
      this.recorder.message(encoding ? { ...entry, encoding } : entry, reply.body);
      this.finish(
        'failed',
        `The server's reply could not be read as SyncML: ${reasonText}. The session was ended; changes already made are kept.`,
        errorJson(error),
      );
      return;
    }
    const hdr = message.SyncHdr;
    this.recorder.message(
      {
        direction: 'in',
        time: now,
        httpStatus: reply.status ?? 200,
        contentType,
        headers,
        text,
        encoding: encoding!,
        MsgID: hdr.MsgID,
        final: message.SyncBody.Final,
      },
      reply.body,
    );
    for (const w of message.warnings ?? [])
      this.event('warning', `server message ${hdr.MsgID}: ${w.message} (${w.path})`);
    if (encoding && encoding !== this.encoding) {
      this.event(
        'info',
        `the server answered in ${encoding.toUpperCase()}; the handset follows and sends ${encoding.toUpperCase()} from now on`,
      );
      this.encoding = encoding;
    }
    if (reply.body.length > this.maxMsgSize)
      this.event(
        'warning',
        `the server's message is ${reply.body.length} bytes, more than the MaxMsgSize ${this.maxMsgSize} the handset announced`,
      );

    if (hdr.SessionID !== this.sessionId) {
      this.finish(
        'failed',
        `The server answered for session "${hdr.SessionID}", not "${this.sessionId}"; the reply was not used.`,
      );
      return;
    }
    for (const cmd of message.SyncBody.commands) {
      if (cmd.kind === 'Status') this.recorder.status('server', cmd, hdr.MsgID);
      else if (cmd.kind === 'Results') this.recorder.results('server', cmd, hdr.MsgID);
      else this.recorder.command('server', hdr.MsgID, cmd);
    }
    if (this.aborting !== undefined) {
      this.finish(this.abortOutcome, this.aborting);
      return;
    }
    if (hdr.RespURI !== undefined && hdr.RespURI.trim() !== '') this.respUri = hdr.RespURI.trim();
    if (hdr.Meta?.MaxMsgSize !== undefined) this.serverMaxMsgSize = hdr.Meta.MaxMsgSize;
    if (hdr.Meta?.MaxObjSize !== undefined) this.serverMaxObjSize = hdr.Meta.MaxObjSize;

    const commands = message.SyncBody.commands;
    const serverAbort = commands.find(
      (c): c is Alert => c.kind === 'Alert' && c.Data === AlertCode.SessionAbort,
    );

    // 1. The server's authentication of us.
    const authOutcome = await this.handleOurHeaderStatus(commands, hdr.MsgID);
    if (this.finished) return;

    // 2. Our authentication of the server.
    const serverOk = await this.authenticateServer(hdr, headers, reply.body);

    if (serverAbort) {
      this.finish('aborted-by-server', 'The server aborted the session (Alert 1223).');
      return;
    }

    if (authOutcome === 'retry') {
      await this.commitServerNonce();
      this.resendPackage1();
      return;
    }
    if (this.currentPhase !== 'in-session') this.setPhase('in-session');

    // A new server package starts with the first message after one of ours with Final.
    const replyToSplit = this.splitting;
    if (this.lastSentFinal) {
      this.packageHadCommands = false;
    }

    // 3. The server's commands.
    const ctx = this.commandContext(hdr.MsgID);
    for (const cmd of commands) {
      if (cmd.kind === 'Status' || cmd.kind === 'Results') continue;
      if (cmd.kind === 'Alert' && cmd.Data === AlertCode.NextMessage) {
        // Answered in the very next message (it asks for it), ahead of what is still queued.
        this.queue.unshift({ cmd: statusFor(cmd, 200, { CmdID: '', MsgRef: hdr.MsgID }) });
        continue;
      }
      this.packageHadCommands = true;
      if (!serverOk.ok) {
        for (const r of notExecuted(cmd, hdr.MsgID, serverOk.reason, serverOk.code)) this.queue.push(r);
        continue;
      }
      await this.runServerCommand(cmd, ctx, hdr.MsgID);
    }
    for (const w of message.warnings ?? []) {
      if (w.CmdID !== undefined && w.element !== undefined) {
        this.packageHadCommands = true;
        this.queue.push({
          cmd: {
            kind: 'Status',
            CmdID: '',
            MsgRef: hdr.MsgID,
            CmdRef: w.CmdID,
            Cmd: w.element,
            TargetRef: [],
            SourceRef: [],
            Data: 406,
            Items: [],
          },
          reason: `${w.element} is not used in OMA DM`,
        });
      }
    }

    // 4. Package bookkeeping.
    if (replyToSplit && !message.SyncBody.Final) {
      // The server only asked for the rest of our package.
      this.serverPackageOpen = false;
    } else {
      this.serverPackageOpen = !message.SyncBody.Final;
    }
    if (message.SyncBody.Final) {
      this.packageCancelled = false;
      if (this.inObject) this.interruptObject(hdr.MsgID, 'the server closed its package');
    }

    if (!serverOk.ok && serverOk.giveUp) {
      this.abortRequested = { reason: serverOk.reason, outcome: 'failed' };
      await this.commitServerNonce();
      return;
    }

    // 5. Does the session go on?
    const mustReply =
      this.serverPackageOpen ||
      this.queue.length > 0 ||
      this.outChunk !== undefined ||
      this.packageHadCommands ||
      (this.headerStatus !== undefined &&
        this.headerStatus.cmd.kind === 'Status' &&
        this.headerStatus.cmd.Data >= 400) ||
      !this.lastSentFinal;
    if (!mustReply) {
      this.headerStatus = undefined;
      this.pendingServerNonce = undefined;
      this.finish('completed', 'The server closed the session: its last package held no further commands.');
      return;
    }
    await this.commitServerNonce();
    if (this.received >= this.maxMessages) {
      this.finish(
        'failed',
        `The server kept the session going for ${this.received} messages; the handset stops at ${this.maxMessages} to avoid an endless session.`,
      );
    }
  }

  private commandContext(msgId: string): CommandContext {
    return {
      tree: this.tree,
      principal: this.principal,
      origin: this.origin,
      msgId,
      prompter: this.options.prompter,
      exec: this.exec,
      writeXml: this.codec.writeXml,
      serverMaxObjSize: this.serverMaxObjSize,
      answerOptions: this.options.answerOptions ?? {},
      queueGenericAlert: (a) => {
        this.queueGenericAlert(a);
      },
      onPrompt: (request) => {
        if (request) this.setPhase('waiting-for-user', request);
        else this.setPhase('in-session');
      },
      changeGate: this.changeGate,
      faults: this.options.faults,
    };
  }

  private push(replies: readonly Reply[]): void {
    for (const r of replies) this.queue.push(r);
  }

  private async runServerCommand(cmd: Command, ctx: CommandContext, msgId: string): Promise<void> {
    // Large objects: continuation, interruption, start.
    if (this.inObject) {
      const obj = this.inObject;
      if ((cmd.kind === 'Add' || cmd.kind === 'Replace') && obj.continues(cmd, cmd.Items[0])) {
        const item = cmd.Items[0]!;
        obj.append(item.Data);
        if (item.MoreData) {
          this.queue.push({
            cmd: statusForItem(cmd, item, 213, { CmdID: '', MsgRef: msgId }),
            reason: `chunk received (${obj.receivedSize} bytes so far)`,
          });
          return;
        }
        this.inObject = undefined;
        const problem = obj.sizeProblem();
        if (problem) {
          this.queue.push({
            cmd: statusForItem(cmd, item, 424, { CmdID: '', MsgRef: msgId }),
            reason: `${problem}; nothing was changed`,
          });
          return;
        }
        const whole = obj.assembled();
        const out = await runCommand({ ...whole, CmdID: cmd.CmdID }, ctx);
        // The status answers the command of the last chunk: its CmdID and item refs.
        for (const r of out.replies) {
          if (r.cmd.kind === 'Status') {
            r.cmd.CmdRef = cmd.CmdID;
            r.cmd.MsgRef = msgId;
          }
        }
        this.push(out.replies);
        return;
      }
      this.interruptObject(msgId, `a ${cmd.kind} arrived before the last chunk`);
    }
    if (this.rejectedObjectTarget !== undefined) {
      if (
        (cmd.kind === 'Add' || cmd.kind === 'Replace') &&
        cmd.Items[0]?.Target?.LocURI === this.rejectedObjectTarget
      ) {
        const item = cmd.Items[0]!;
        if (!item.MoreData) this.rejectedObjectTarget = undefined;
        this.queue.push({
          cmd: statusForItem(cmd, item, 413, { CmdID: '', MsgRef: msgId }),
          reason: 'the object is larger than the handset accepts',
        });
        return;
      }
      this.rejectedObjectTarget = undefined;
    }
    if (this.packageCancelled) {
      this.push(notExecuted(cmd, msgId, 'the user cancelled an alert earlier in this package'));
      return;
    }
    if (cmd.kind === 'Add' || cmd.kind === 'Replace') {
      const last = cmd.Items[cmd.Items.length - 1];
      if (last?.MoreData) {
        // Items before the chunked one run as usual.
        if (cmd.Items.length > 1) {
          const out = await runCommand({ ...cmd, Items: cmd.Items.slice(0, -1) }, ctx);
          this.push(out.replies);
        }
        this.startObject(cmd, last, msgId);
        return;
      }
    }
    let run: Command = cmd;
    if (this.options.faults) {
      const split = applyStatusFaults(this.options.faults, cmd, msgId);
      this.push(split.injected);
      if (!split.rest) return;
      run = split.rest;
    }
    const out = await runCommand(run, ctx);
    this.push(out.replies);
    if (out.effect === 'cancelled') this.packageCancelled = true;
  }

  private startObject(cmd: ChunkedCommand, item: Item, msgId: string): void {
    const declared = item.Meta?.Size ?? cmd.Meta?.Size;
    if (declared !== undefined && declared > this.maxObjSize) {
      this.rejectedObjectTarget = item.Target?.LocURI;
      this.queue.push({
        cmd: statusForItem(cmd, item, 413, { CmdID: '', MsgRef: msgId }),
        reason: `the object is ${declared} bytes; the handset accepts at most ${this.maxObjSize} (MaxObjSize)`,
      });
      return;
    }
    const obj = new IncomingObject(cmd, item, msgId, declared);
    obj.append(item.Data);
    this.inObject = obj;
    this.queue.push({
      cmd: statusForItem(cmd, item, 213, { CmdID: '', MsgRef: msgId }),
      reason: 'first chunk of a large object received',
    });
  }

  /** Drops the object being received and tells the server with Alert 1225 (oma-dm.md §10). */
  private interruptObject(_msgId: string, why: string): void {
    const obj = this.inObject;
    if (!obj) return;
    this.inObject = undefined;
    const item: Item = {};
    if (obj.item.Target) item.Target = obj.item.Target;
    if (obj.item.Source) item.Source = obj.item.Source;
    this.queue.push({ cmd: alertCommand('', AlertCode.NoEndOfData, [item]), reason: why });
    this.event('warning', `large object for ${obj.target ?? '?'} dropped: ${why} (Alert 1225 sent)`);
  }

  // ------------------------------------------------------------------- authentication

  /** Reads the server's Status for our SyncHdr: 'ok', or 'retry' (resend package 1). */
  private async handleOurHeaderStatus(
    commands: readonly Command[],
    _serverMsgId: string,
  ): Promise<'ok' | 'retry'> {
    const status = commands.find((c): c is Status => c.kind === 'Status' && c.CmdRef === '0');
    if (!status) {
      if (this.nextMsgId === 2) this.event('warning', "the server sent no Status for the handset's SyncHdr");
      return 'ok';
    }
    const code = status.Data;
    const ca = this.clientAuth;
    if (status.Chal) await this.takeChallenge(status.Chal, code);
    if (this.finished) return 'ok';
    if (code === 212) {
      if (ca && ca.type !== AUTH_MAC) this.clientAuthenticated = true;
      return 'ok';
    }
    if (code === 401 || code === 407) {
      this.setPhase('authenticating');
      const what = code === 401 ? "rejected the handset's credentials" : 'asked for credentials';
      if (!status.Chal) {
        this.finish(
          'failed',
          ca
            ? `Authentication failed: the server ${what} (${code} ${statusText(code)}) and sent no challenge. Check the account's AAuthName and AAuthSecret (CLCRED).`
            : `Authentication failed: the server requires credentials (${code} ${statusText(code)}), but the account has no client credentials (AppAuth with AAuthLevel CLCRED).`,
        );
        return 'ok';
      }
      if (!this.clientAuth) {
        this.finish(
          'failed',
          `Authentication failed: the server asked for ${parseChal(status.Chal).type} credentials, but the account has no client credentials (AppAuth with AAuthLevel CLCRED).`,
        );
        return 'ok';
      }
      this.clientAuthRetries++;
      if (this.clientAuthRetries > this.maxAuthRetries) {
        this.finish(
          'failed',
          `Authentication failed: the server ${what} ${this.clientAuthRetries} times (${code} ${statusText(code)}) although the handset answered each challenge with ${AUTH_NAMES[this.clientAuth.type]}. Check the account's AAuthName and AAuthSecret (CLCRED).`,
        );
        return 'ok';
      }
      this.event(
        'info',
        `the server ${what} (${code}); the handset sends package 1 again with ${AUTH_NAMES[this.clientAuth.type]} (attempt ${this.clientAuthRetries + 1})`,
      );
      return 'retry';
    }
    if (code >= 400)
      this.event('warning', `the server answered ${code} (${statusText(code)}) for the handset's SyncHdr`);
    return 'ok';
  }

  /** Takes a Chal from the server: the next nonce and possibly another scheme (oma-dm.md §7.4). */
  private async takeChallenge(chal: Chal, code: number): Promise<void> {
    const c = parseChal(chal);
    if (c.nonceWarning) this.event('warning', c.nonceWarning);
    const ca = this.clientAuth;
    if (!ca) return;
    const type = normalizeAuthType(c.type);
    if (!type) {
      this.finish(
        'failed',
        `Authentication failed: the server asked for "${c.type}", which this handset does not support (it supports basic, md5 and HMAC).`,
      );
      return;
    }
    if (type !== ca.type) {
      this.event('info', `the server asks for ${AUTH_NAMES[type]} instead of ${AUTH_NAMES[ca.type]}`);
      ca.type = type;
      this.clientAuthenticated = false;
    }
    if (c.nextNonce) {
      ca.nonce = c.nextNonce;
      // Keep the nonce for later sessions unless it came from a server that failed to authenticate.
      if (ca.credUri && (!this.serverAuth || this.serverAuthenticated)) {
        const s = await storeNonce(this.tree, ca.credUri, c.nextNonce, this.origin);
        if (s !== 200) this.event('warning', `the server's next nonce could not be stored (status ${s})`);
      }
      if (code === 212) this.event('info', 'the server sent a nonce for the next session');
    }
  }

  /**
   * A fresh nonce for the server, sent in the Chal of our next SyncHdr Status. It takes
   * effect (and is stored in SRVCRED AAuthData) only when that message is really sent.
   */
  private newServerNonce(): Uint8Array {
    const nonce = newNonce(this.random);
    this.pendingServerNonce = nonce;
    return nonce;
  }

  private async commitServerNonce(): Promise<void> {
    const sa = this.serverAuth;
    const nonce = this.pendingServerNonce;
    this.pendingServerNonce = undefined;
    if (!sa || !nonce) return;
    sa.nonce = nonce;
    const s = await storeNonce(this.tree, sa.credUri, nonce, this.origin);
    if (s !== 200) this.event('warning', `the handset's new server nonce could not be stored (status ${s})`);
  }

  /** Checks the server's credentials when the account requires them; sets the SyncHdr Status. */
  private async authenticateServer(
    hdr: SyncHdr,
    headers: HttpHeaders,
    body: Uint8Array,
  ): Promise<{ ok: true } | { ok: false; code: number; reason: string; giveUp: boolean }> {
    const sa = this.serverAuth;
    const setHeader = (code: number, chal?: Chal): void => {
      this.headerStatus = { cmd: statusForHeader(hdr, code, '', chal ? { Chal: chal } : {}) };
    };
    if (!sa) {
      if (hdr.Cred)
        this.event(
          'info',
          'the server sent credentials; the account holds none for it (no SRVCRED), so they were not checked',
        );
      setHeader(200);
      return { ok: true };
    }
    const fail = async (
      code: 401 | 407,
      why: string,
    ): Promise<{ ok: false; code: number; reason: string; giveUp: boolean }> => {
      this.serverAuthFailures++;
      const chal = buildChal(sa.type, sa.type === AUTH_BASIC ? undefined : this.newServerNonce());
      setHeader(code, chal);
      const giveUp = this.serverAuthFailures > this.maxAuthRetries;
      const reason = giveUp
        ? `The server did not authenticate itself: ${why} ${this.serverAuthFailures} times. The handset ended the session without running its commands.`
        : `the server is not authenticated (${why})`;
      this.event(
        'warning',
        `server authentication failed: ${why}; the handset answers ${code} with a challenge`,
      );
      return { ok: false, code, reason, giveUp };
    };
    if (sa.type === AUTH_MAC) {
      const check = verifyHmac(headers[HMAC_HEADER], sa.secret, sa.nonce, body);
      if (!check.ok) {
        return check.reason === 'missing'
          ? fail(407, 'its message had no x-syncml-hmac header')
          : fail(401, `its x-syncml-hmac did not verify (${check.reason})`);
      }
      this.serverAuthenticated = true;
      // HMAC: 200 and a fresh nonce with every message (oma-dm.md §7.3).
      setHeader(200, buildChal(AUTH_MAC, this.newServerNonce()));
      return { ok: true };
    }
    if (this.serverAuthenticated) {
      setHeader(200);
      return { ok: true };
    }
    const check = verifyCred(hdr.Cred, sa.secret, sa.nonce, { expectedType: sa.type });
    if (!check.ok) {
      return check.reason === 'missing'
        ? fail(407, `its message carried no ${AUTH_NAMES[sa.type]} credentials`)
        : fail(401, `its ${AUTH_NAMES[sa.type]} credentials were wrong (${check.reason})`);
    }
    this.serverAuthenticated = true;
    setHeader(212, sa.type === AUTH_MD5 ? buildChal(AUTH_MD5, this.newServerNonce()) : undefined);
    return { ok: true };
  }

  private resendPackage1(): void {
    // Package 1 again, same SessionID, to the RespURI, with the new credentials (oma-dm.md §7.4).
    this.queue = this.package1.map((cmd) => ({ cmd: structuredCloneCommand(cmd) }));
    this.outChunk = undefined;
    this.serverPackageOpen = false;
    this.packageHadCommands = false;
    if (this.received >= this.maxMessages) {
      this.finish('failed', `The session reached ${this.maxMessages} messages during authentication.`);
    }
  }
}

function structuredCloneCommand<T extends Command>(cmd: T): T {
  return JSON.parse(JSON.stringify(cmd)) as T;
}

/** Creates a session for the DMAcc account with ServerID `options.serverId`. */
export function createSession(options: SessionOptions): DmSession {
  const account = options.notification?.account ?? findAccount(options.tree, options.serverId);
  if (!account) {
    throw new SessionSetupError(
      'account-not-found',
      `No DM account on this handset has ServerID "${options.serverId}".`,
      {
        serverId: options.serverId,
      },
    );
  }
  if ((options.serverUrl ?? account.serverUrl) === '') {
    throw new SessionSetupError(
      'account-without-address',
      `The DM account "${account.serverId}" has no server address (AppAddr/<x>/Addr).`,
      {
        serverId: account.serverId,
      },
    );
  }
  return new DmSession(options, account);
}

// ---------------------------------------------------------------------------------------
// Runner

export interface RunOptions {
  /** Called after each message, both directions (live trace views). */
  onProgress?: (session: DmSession) => void;
}

/** Loops next-message / POST / receive until the session is over; returns the trace. */
export async function runSession(
  session: DmSession,
  transport: HttpTransport,
  options: RunOptions = {},
): Promise<SessionTrace> {
  for (;;) {
    const out = session.nextMessage();
    if (!out) break;
    options.onProgress?.(session);
    let response;
    try {
      response = await transport.post(out.url, out.body, out.headers);
    } catch (error) {
      session.fail(error);
      break;
    }
    await session.receive({ body: response.body, headers: response.headers, status: response.status });
    options.onProgress?.(session);
  }
  return session.trace;
}
