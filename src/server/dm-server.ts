/**
 * The reference OMA DM 1.2 server over HTTP (Node), on the pure session engine in
 * src/core/dm-server/. Routes:
 *
 * - `POST <authority path>` (`/dm`, `/dm/enterprise`, ...): SyncML DM in XML or WBXML; the
 *   answer uses the request's encoding. Later messages go to the RespURI (`?s=<token>`).
 * - `OPTIONS *`: CORS preflight for the app's origin.
 * - `GET /push/events?device=<DevId>`: the push channel (SSE).
 * - `POST /api/push`, `/api/scenarios/start`, `/api/devices`; `GET /api/devices[/<DevId>]`,
 *   `/api/scenarios`, `/api/authorities`, `/api/devices/<DevId>/sessions/<n>`: the console's API.
 * - `GET /console`: the operator console (plain HTML/CSS/JS in ./console/).
 *
 * Bound to anything but loopback, `/console`, `/push` and `/api` need the access token
 * (`?token=`, `x-ota-token` or `Authorization: Bearer`), decision 0072.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOtaError } from '../core/errors.ts';
import { AUTH_BASIC, normalizeAuthType, parseHmacHeader } from '../core/dm/auth.ts';
import { TraceRecorder, type SessionOutcome as TraceOutcome } from '../core/dm/trace.ts';
import type { UiMode } from '../core/dm/package0.ts';
import { UI_MODES } from '../core/dm/package0.ts';
import {
  DEFAULT_AUTHORITIES,
  CLIENT_AUTH_TYPES,
  SERVER_AUTH_TYPES,
  demoAccount,
  type AccountRecord,
  type Authority,
  type ClientAuthType,
  type ServerAuthType,
} from '../core/dm-server/account.ts';
import {
  DM_CONTENT_TYPES,
  decodeDm,
  dmText,
  encodeDm,
  encodingOf,
  type DmEncoding,
} from '../core/dm-server/codec.ts';
import { ScenarioRun } from '../core/dm-server/engine.ts';
import {
  cpPush,
  dmBootstrapMessage,
  dmBootstrapPush,
  notificationPush,
  pushEvent,
  w7Characteristics,
  nonceAsCpText,
  cpTextNonce,
  type BuiltPush,
  type PushEvent,
  type PushKind,
  type PushSecret,
} from '../core/dm-server/pushes.ts';
import {
  formatScenarioIssues,
  validateScenario,
  type CpCharacteristic,
  type Scenario,
  type ScenarioIssue,
  type SecMethodName,
} from '../core/dm-server/scenario.ts';
import { ServerSession } from '../core/dm-server/session.ts';
import { parseBase64, toHex } from '../core/bytes/index.ts';
import { alertCommand, createHeader, statusForHeader } from '../core/syncml/build.ts';
import type { Command, SyncMLMessage } from '../core/syncml/message.ts';
import { statusText } from '../core/syncml/status-codes.ts';
import type { RunLogEntry } from '../core/dm-server/engine.ts';
import type { Random } from '../core/ports.ts';
import { DeviceStore, type DeviceRecord, type SessionSummary } from './device-store.ts';
import { PushChannel } from './push-channel.ts';
import { systemRandom } from '../adapters/system-random.ts';

export const DEFAULT_DM_PORT = 4180;
/** Largest request body read (oversized bodies get HTTP 413). */
export const DEFAULT_MAX_BODY = 1024 * 1024;
/** What the server announces as its MaxMsgSize. */
export const SERVER_MAX_MSG_SIZE = 64 * 1024;
const SESSION_IDLE_MS = 10 * 60 * 1000;

export const SHIPPED_SCENARIO_DIR = fileURLToPath(new URL('./scenarios/', import.meta.url));
const CONSOLE_DIR = fileURLToPath(new URL('./console/', import.meta.url));

export interface DmServerOptions {
  store?: DeviceStore;
  authorities?: Authority[];
  scenarios?: Map<string, Scenario>;
  /** Scenario run at every session of a device that has none queued. */
  defaultScenario?: string;
  /** Auto-register unknown devices with the demo secrets (decision 0070). Default true. */
  demoMode?: boolean;
  /** Required on /console, /push and /api when set (decision 0072). */
  accessToken?: string;
  /** Origins allowed by CORS; `*` allows any. Default: the app on 127.0.0.1 / localhost ports 4173 and 5173. */
  allowedOrigins?: string[];
  maxBodyBytes?: number;
  random?: Random;
  now?: () => number;
  /** Log lines for people (the CLI prints them). */
  log?: (line: string) => void;
}

export const DEFAULT_ALLOWED_ORIGINS = [
  'http://127.0.0.1:4173',
  'http://localhost:4173',
  'http://127.0.0.1:5173',
  'http://localhost:5173',
];

interface LiveSession {
  token: string;
  session: ServerSession;
  encoding: DmEncoding;
  recorder: TraceRecorder;
  summary: SessionSummary;
  device: DeviceRecord;
  authority: Authority;
  /** Scenario run snapshot index in device.scenarios (0) when the run is a queued one. */
  queued: boolean;
  lastActivity: number;
  eventsSeen: number;
}

/** Reads every `*.json` in a directory as a scenario; invalid files are reported, not loaded. */
export async function loadScenarios(
  dir: string,
): Promise<{ scenarios: Map<string, Scenario>; problems: string[] }> {
  const scenarios = new Map<string, Scenario>();
  const problems: string[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    return { scenarios, problems: [`${dir}: ${(error as Error).message}`] };
  }
  for (const name of names) {
    const file = join(dir, name);
    const result = await loadScenarioFile(file);
    if (result.ok) {
      if (scenarios.has(result.scenario.name))
        problems.push(`${file}: a scenario named "${result.scenario.name}" is already loaded`);
      else scenarios.set(result.scenario.name, result.scenario);
    } else problems.push(formatScenarioIssues(file, result.errors));
  }
  return { scenarios, problems };
}

export async function loadScenarioFile(
  file: string,
): Promise<{ ok: true; scenario: Scenario } | { ok: false; errors: ScenarioIssue[] }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return { ok: false, errors: [{ path: '$', message: `cannot read JSON: ${(error as Error).message}` }] };
  }
  return validateScenario(json);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      reject(
        new HttpError(413, `request body of ${declared} bytes exceeds the server's limit of ${max} bytes`),
      );
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > max) {
        failed = true;
        reject(new HttpError(413, `request body exceeds the server's limit of ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, 256 * 1024);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new HttpError(400, 'expected a JSON object');
  return json as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, required: true): string;
function str(o: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(o: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw new HttpError(400, `"${key}" is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new HttpError(400, `"${key}" must be a string`);
  return v;
}

const TRACE_OUTCOME: Record<string, TraceOutcome> = {
  completed: 'completed',
  'aborted-by-client': 'aborted-by-client',
  'auth-failed': 'failed',
  abandoned: 'failed',
};

export class DmServer {
  readonly store: DeviceStore;
  readonly authorities: Authority[];
  readonly scenarios: Map<string, Scenario>;
  readonly push: PushChannel;
  readonly server: Server;
  private readonly opts: DmServerOptions;
  private readonly random: Random;
  private readonly now: () => number;
  private readonly live = new Map<string, LiveSession>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private pushCounter = 0;

  constructor(options: DmServerOptions = {}) {
    this.opts = options;
    this.store = options.store ?? DeviceStore.memory();
    this.authorities = options.authorities ?? [...DEFAULT_AUTHORITIES];
    this.scenarios = options.scenarios ?? new Map();
    this.random = options.random ?? systemRandom;
    this.now = options.now ?? Date.now;
    this.push = new PushChannel();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(req, res, error));
    });
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.push.close();
    for (const l of this.live.values()) l.session.abandon('the server stopped');
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.store.flush();
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  private sweep(): void {
    const t = this.now();
    for (const [token, l] of this.live) {
      if (t - l.lastActivity > SESSION_IDLE_MS) {
        l.session.abandon('no message from the device for 10 minutes');
        this.closeSession(l);
        this.live.delete(token);
      }
    }
  }

  // ------------------------------------------------------------------ HTTP plumbing

  private corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    const allowed = this.opts.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS;
    const h: Record<string, string> = {
      Vary: 'Origin',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers':
        'Content-Type, x-syncml-hmac, Accept, Authorization, x-ota-token, Last-Event-ID',
      'Access-Control-Expose-Headers': 'x-syncml-hmac',
      'Access-Control-Max-Age': '600',
    };
    if (allowed.includes('*')) h['Access-Control-Allow-Origin'] = '*';
    else if (typeof origin === 'string' && allowed.includes(origin))
      h['Access-Control-Allow-Origin'] = origin;
    return h;
  }

  private text(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(status, {
      ...this.corsHeaders(req),
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(`${message}\n`);
  }

  private json(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, {
      ...this.corsHeaders(req),
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(JSON.stringify(body));
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (error instanceof HttpError) {
      this.text(req, res, error.status, error.message);
      return;
    }
    this.log(`error: ${(error as Error).stack ?? String(error)}`);
    this.text(req, res, 500, 'internal error; see the server log');
  }

  private authorized(req: IncomingMessage, url: URL): boolean {
    const token = this.opts.accessToken;
    if (token === undefined) return true;
    const given =
      url.searchParams.get('token') ??
      (typeof req.headers['x-ota-token'] === 'string' ? req.headers['x-ota-token'] : undefined) ??
      (req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined);
    if (given === undefined) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://server.invalid');
    const path = url.pathname;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, this.corsHeaders(req));
      res.end();
      return;
    }
    const authority = this.authorities.find((a) => a.path === path);
    if (authority) {
      if (req.method !== 'POST') {
        res.writeHead(405, {
          ...this.corsHeaders(req),
          Allow: 'POST, OPTIONS',
          'Content-Type': 'text/plain; charset=utf-8',
        });
        res.end(
          `the DM endpoint of ${authority.name} takes SyncML DM messages by POST (${DM_CONTENT_TYPES.xml} or ${DM_CONTENT_TYPES.wbxml})\n`,
        );
        return;
      }
      await this.handleDm(req, res, url, authority);
      return;
    }
    if (path === '/' && req.method === 'GET') {
      res.writeHead(302, { Location: `/console${url.search}` });
      res.end();
      return;
    }
    if (
      path === '/console' ||
      path.startsWith('/console/') ||
      path.startsWith('/push/') ||
      path.startsWith('/api/')
    ) {
      if (!this.authorized(req, url)) {
        this.text(
          req,
          res,
          401,
          'this server needs its access token: add ?token=<token> (printed when the server started)',
        );
        return;
      }
    }
    if (path === '/console' || path === '/console/') {
      await this.serveConsole(res, 'index.html');
      return;
    }
    if (path.startsWith('/console/')) {
      await this.serveConsole(res, path.slice('/console/'.length));
      return;
    }
    if (path === '/push/events' && req.method === 'GET') {
      const devId = url.searchParams.get('device');
      if (!devId) {
        this.text(req, res, 400, 'give the device: /push/events?device=<DevId>');
        return;
      }
      const imsi = url.searchParams.get('imsi');
      if (imsi) {
        const rec = this.store.ensure(devId, 'auto', this.now());
        if (rec.imsi !== imsi) {
          rec.imsi = imsi;
          this.store.changed();
        }
      }
      this.push.subscribe(devId, req, res, this.corsHeaders(req));
      return;
    }
    if (path.startsWith('/api/')) {
      await this.handleApi(req, res, url);
      return;
    }
    this.text(
      req,
      res,
      404,
      `nothing at ${path}; the DM endpoints are ${this.authorities.map((a) => a.path).join(', ')} and the console is /console`,
    );
  }

  private async serveConsole(res: ServerResponse, name: string): Promise<void> {
    const types: Record<string, string> = {
      'index.html': 'text/html; charset=utf-8',
      'console.js': 'text/javascript; charset=utf-8',
      'console.css': 'text/css; charset=utf-8',
    };
    const type = types[name];
    if (!type) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = await readFile(join(CONSOLE_DIR, name));
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy':
        "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'",
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  }

  // ------------------------------------------------------------------ DM endpoint

  private serverUri(req: IncomingMessage, authority: Authority): string {
    const host = req.headers.host ?? '127.0.0.1';
    return `http://${host}${authority.path}`;
  }

  private async handleDm(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    authority: Authority,
  ): Promise<void> {
    const encoding = encodingOf(req.headers['content-type']);
    if (!encoding) {
      // Drain the body so the connection stays usable.
      req.resume();
      this.text(
        req,
        res,
        415,
        `unsupported Content-Type "${req.headers['content-type'] ?? ''}": send ${DM_CONTENT_TYPES.xml} or ${DM_CONTENT_TYPES.wbxml}`,
      );
      return;
    }
    const body = await readBody(req, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
    let message: SyncMLMessage;
    try {
      message = decodeDm(body, encoding);
    } catch (error) {
      const why = isOtaError(error) ? `${error.code}: ${error.message}` : (error as Error).message;
      this.text(req, res, 400, `the body is not a SyncML DM message in ${encoding.toUpperCase()} (${why})`);
      return;
    }
    const hmacRaw = req.headers['x-syncml-hmac'];
    const hmac = typeof hmacRaw === 'string' ? hmacRaw : undefined;
    const token = url.searchParams.get('s');
    const devId = message.SyncHdr.Source.LocURI;
    let live = token !== null ? this.live.get(token) : undefined;
    if (live && (live.device.devId !== devId || live.session.sessionId !== message.SyncHdr.SessionID))
      live = undefined;
    if (!live && token === null) {
      // A client that ignores RespURI: find its open session by DevId and SessionID.
      for (const l of this.live.values()) {
        if (
          l.device.devId === devId &&
          l.session.sessionId === message.SyncHdr.SessionID &&
          l.authority === authority
        )
          live = l;
      }
    }
    const opening = message.SyncBody.commands.some(
      (c) => c.kind === 'Alert' && (c.Data === 1200 || c.Data === 1201),
    );
    if (!live) {
      if (!opening) {
        this.unknownSession(req, res, message, encoding, authority, token);
        return;
      }
      const started = this.openSession(req, message, encoding, authority, hmac);
      if ('refused' in started) {
        this.sendDm(req, res, started.refused, encoding, undefined, 200);
        return;
      }
      live = started.live;
    }
    live.lastActivity = this.now();
    this.recordIn(live, message, body, encoding, req);
    const incoming: Parameters<ServerSession['handle']>[0] = { message, body };
    if (hmac !== undefined) incoming.hmac = hmac;
    const reply = live.session.handle(incoming);
    this.recordOut(live, reply.message, reply.body, encoding, reply.hmac);
    this.afterMessage(live, reply.ended);
    const headers: Record<string, string> = {};
    if (reply.hmac !== undefined) headers['x-syncml-hmac'] = reply.hmac;
    res.writeHead(200, {
      ...this.corsHeaders(req),
      ...headers,
      'Content-Type': DM_CONTENT_TYPES[encoding],
      'Cache-Control': 'private',
    });
    res.end(reply.body);
  }

  private sendDm(
    req: IncomingMessage,
    res: ServerResponse,
    msg: SyncMLMessage,
    encoding: DmEncoding,
    hmac: string | undefined,
    status: number,
  ): void {
    const body = encodeDm(msg, encoding);
    const headers: Record<string, string> = {
      ...this.corsHeaders(req),
      'Content-Type': DM_CONTENT_TYPES[encoding],
      'Cache-Control': 'private',
    };
    if (hmac !== undefined) headers['x-syncml-hmac'] = hmac;
    res.writeHead(status, headers);
    res.end(body);
  }

  /**
   * A message for a session the server does not have (wrong token, or the server restarted
   * mid-session) that does not open a new one: HTTP 404 with a SyncML answer, SyncHdr status
   * 404 and Alert 1223 (session abort), so a client that reads the body ends cleanly (decision 0070).
   */
  private unknownSession(
    req: IncomingMessage,
    res: ServerResponse,
    message: SyncMLMessage,
    encoding: DmEncoding,
    authority: Authority,
    token: string | null,
  ): void {
    const hdr = message.SyncHdr;
    const out: SyncMLMessage = {
      SyncHdr: createHeader({
        SessionID: hdr.SessionID,
        MsgID: 1,
        Target: hdr.Source.LocURI,
        Source: this.serverUri(req, authority),
      }),
      SyncBody: { commands: [statusForHeader(hdr, 404, '1'), alertCommand('2', 1223)], Final: true },
    };
    this.log(
      `unknown session ${hdr.SessionID} from ${hdr.Source.LocURI}${token !== null ? ` (token ${token})` : ''}: 404 + 1223`,
    );
    this.sendDm(req, res, out, encoding, undefined, 404);
  }

  private clientIdentity(
    message: SyncMLMessage,
    hmac: string | undefined,
  ): { name: string; authType: ClientAuthType } {
    const hdr = message.SyncHdr;
    if (hmac !== undefined) {
      try {
        return { name: parseHmacHeader(hmac).username, authType: 'hmac' };
      } catch {
        // fall through
      }
    }
    const type = normalizeAuthType(hdr.Cred?.Meta?.Type ?? (hdr.Cred ? AUTH_BASIC : undefined));
    if (type === AUTH_BASIC && hdr.Cred) {
      try {
        const text = new TextDecoder().decode(
          parseBase64(hdr.Cred.Data.trim(), { allowWhitespace: true, allowMissingPadding: true }),
        );
        const colon = text.indexOf(':');
        if (colon > 0) return { name: text.slice(0, colon), authType: 'basic' };
      } catch {
        // fall through
      }
    }
    return { name: hdr.Source.LocName ?? hdr.Source.LocURI, authType: type === AUTH_BASIC ? 'basic' : 'md5' };
  }

  private openSession(
    req: IncomingMessage,
    message: SyncMLMessage,
    encoding: DmEncoding,
    authority: Authority,
    hmac: string | undefined,
  ): { live: LiveSession } | { refused: SyncMLMessage } {
    const hdr = message.SyncHdr;
    const devId = hdr.Source.LocURI;
    const now = this.now();
    let device = this.store.get(devId);
    let account = device?.accounts[authority.serverId];
    const serverUri = this.serverUri(req, authority);
    if (!account) {
      if (this.opts.demoMode === false) {
        this.log(`refused unknown device ${devId} for ${authority.serverId} (demo mode off)`);
        const commands: Command[] = [statusForHeader(hdr, 403, '1')];
        let n = 2;
        for (const c of message.SyncBody.commands) {
          if (c.kind === 'Status' || c.kind === 'Results') continue;
          commands.push({
            kind: 'Status',
            CmdID: String(n++),
            MsgRef: hdr.MsgID,
            CmdRef: c.CmdID,
            Cmd: c.kind,
            TargetRef: [],
            SourceRef: [],
            Data: 403,
            Items: [],
          });
        }
        return {
          refused: {
            SyncHdr: createHeader({ SessionID: hdr.SessionID, MsgID: 1, Target: devId, Source: serverUri }),
            SyncBody: { commands, Final: true },
          },
        };
      }
      const who = this.clientIdentity(message, hmac);
      device = this.store.ensure(devId, 'auto', now);
      account = demoAccount(authority.serverId, who.name, who.authType, this.random);
      device.accounts[authority.serverId] = account;
      this.store.changed();
      this.log(
        `auto-registered ${devId} for ${authority.serverId} as "${who.name}" (${who.authType}, demo secrets)`,
      );
    }
    const dev = device as DeviceRecord;
    dev.lastSeen = now;
    // The scenario to run: the first queued one meant for this authority, else the default.
    let run: ScenarioRun | undefined;
    let queued = false;
    const head = dev.scenarios[0];
    if (head) {
      const r = ScenarioRun.fromSnapshot(head);
      if (r.authorityFor(this.authorities[0]?.serverId ?? authority.serverId) === authority.serverId) {
        run = r;
        queued = true;
      }
    }
    if (!run && this.opts.defaultScenario !== undefined) {
      const s = this.scenarios.get(this.opts.defaultScenario);
      if (s) run = new ScenarioRun(s);
    }
    const token = toHex(this.random.bytes(16));
    const respUri = `${serverUri}?s=${token}`;
    run?.begin({ devId, serverId: authority.serverId, sessionId: hdr.SessionID, serverUri });
    const session = new ServerSession({
      sessionId: hdr.SessionID,
      devId,
      serverId: authority.serverId,
      serverUri,
      respUri,
      account,
      ...(run ? { run } : {}),
      encode: (m) => encodeDm(m, encoding),
      random: this.random,
      maxMsgSize: SERVER_MAX_MSG_SIZE,
    });
    const recorder = new TraceRecorder({
      SessionID: hdr.SessionID,
      serverId: authority.serverId,
      accountUri: authority.path,
      serverUrl: serverUri,
      initiator: 'client',
      encoding,
      started: now,
    });
    const summary: SessionSummary = {
      sessionId: hdr.SessionID,
      serverId: authority.serverId,
      started: now,
      outcome: 'in-progress',
      encoding,
      messages: 0,
      trace: recorder.trace,
    };
    if (run) summary.scenario = run.scenario.name;
    this.store.addSession(dev, summary);
    const live: LiveSession = {
      token,
      session,
      encoding,
      recorder,
      summary,
      device: dev,
      authority,
      queued,
      lastActivity: now,
      eventsSeen: 0,
    };
    this.live.set(token, live);
    this.log(
      `session ${hdr.SessionID} opened by ${devId} with ${authority.serverId} (${encoding})${run ? `, scenario ${run.scenario.name}` : ''}`,
    );
    return { live };
  }

  /** One message into the server-side trace, with its commands paired by the recorder. */
  private recordMessage(
    live: LiveSession,
    direction: 'in' | 'out',
    msg: SyncMLMessage,
    body: Uint8Array,
    encoding: DmEncoding,
    headers: Record<string, string>,
  ): void {
    const rec = live.recorder;
    rec.message(
      {
        direction,
        time: this.now(),
        ...(direction === 'out' ? { httpStatus: 200 } : {}),
        contentType: DM_CONTENT_TYPES[encoding],
        headers,
        text: dmText(msg),
        encoding,
        MsgID: msg.SyncHdr.MsgID,
        final: msg.SyncBody.Final,
      },
      body,
    );
    const from = direction === 'in' ? 'client' : 'server';
    for (const cmd of msg.SyncBody.commands) {
      if (cmd.kind === 'Status') rec.status(from, cmd, msg.SyncHdr.MsgID);
      else if (cmd.kind === 'Results') rec.results(from, cmd, msg.SyncHdr.MsgID);
      else rec.command(from, msg.SyncHdr.MsgID, cmd);
    }
  }

  private recordIn(
    live: LiveSession,
    msg: SyncMLMessage,
    body: Uint8Array,
    encoding: DmEncoding,
    req: IncomingMessage,
  ): void {
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'x-syncml-hmac', 'user-agent']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    this.recordMessage(live, 'in', msg, body, encoding, headers);
  }

  private recordOut(
    live: LiveSession,
    msg: SyncMLMessage,
    body: Uint8Array,
    encoding: DmEncoding,
    hmac: string | undefined,
  ): void {
    const headers: Record<string, string> = { 'content-type': DM_CONTENT_TYPES[encoding] };
    if (hmac !== undefined) headers['x-syncml-hmac'] = hmac;
    this.recordMessage(live, 'out', msg, body, encoding, headers);
    const events = live.session.events;
    for (; live.eventsSeen < events.length; live.eventsSeen++) {
      const e = events[live.eventsSeen];
      if (e)
        live.recorder.event(
          this.now(),
          e.kind === 'auth' && /rejected|missing|wrong|failed/.test(e.text) ? 'warning' : 'info',
          e.text,
        );
    }
  }

  private afterMessage(live: LiveSession, ended: boolean): void {
    const { session, summary, device } = live;
    summary.messages = live.recorder.trace.messages.length;
    if (session.initiatedBy) {
      summary.initiator = session.initiatedBy;
      live.recorder.trace.initiator = session.initiatedBy;
    }
    if (Object.keys(session.devInfo).length > 0) Object.assign(device.devInfo, session.devInfo);
    const run = session.run;
    if (run && live.queued) device.scenarios[0] = run.snapshot();
    if (ended) this.closeSession(live);
    this.store.changed();
  }

  private closeSession(live: LiveSession): void {
    const { session, summary, device } = live;
    this.live.delete(live.token);
    const now = this.now();
    summary.ended = now;
    summary.outcome = session.outcome;
    const run = session.run;
    const reason =
      session.outcome === 'completed'
        ? run
          ? `scenario ${run.scenario.name}: ${run.state}${run.reason ? ` (${run.reason})` : ''}`
          : 'nothing to do'
        : session.outcome;
    summary.reason = reason;
    live.recorder.finish(now, TRACE_OUTCOME[session.outcome] ?? 'failed', reason);
    if (run && live.queued) {
      const snap = run.snapshot();
      if (run.finished) {
        device.scenarios.shift();
        this.store.archiveRun(device, snap);
        this.log(
          `scenario ${run.scenario.name} on ${device.devId}: ${run.state}${run.reason ? ` (${run.reason})` : ''}`,
        );
      } else {
        device.scenarios[0] = snap;
        const next = run.current();
        if (next?.notify) this.notifyForRun(device, run, next.notify.uiMode);
      }
    }
    this.log(`session ${summary.sessionId} of ${device.devId} ended: ${summary.outcome}`);
    this.store.changed();
  }

  // ------------------------------------------------------------------ pushes

  private authority(serverId: string | undefined): Authority {
    const a =
      serverId === undefined ? this.authorities[0] : this.authorities.find((x) => x.serverId === serverId);
    if (!a)
      throw new HttpError(
        400,
        `no authority "${serverId ?? ''}"; known: ${this.authorities.map((x) => x.serverId).join(', ')}`,
      );
    return a;
  }

  private baseUrl(): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : DEFAULT_DM_PORT;
    const host =
      typeof address === 'object' && address && address.address !== '::' && address.address !== '0.0.0.0'
        ? address.address
        : '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** The account a push provisions or uses; created (fresh nonces, demo secrets) when missing. */
  private accountFor(device: DeviceRecord, authority: Authority): AccountRecord {
    let account = device.accounts[authority.serverId];
    if (!account) {
      account = demoAccount(
        authority.serverId,
        `handset-${device.devId.replace(/[^A-Za-z0-9]/g, '').slice(-6) || 'device'}`,
        'md5',
        this.random,
      );
      device.accounts[authority.serverId] = account;
      this.store.changed();
    }
    return account;
  }

  private emit(
    device: DeviceRecord,
    kind: PushKind,
    title: string,
    built: BuiltPush | { pdu: Uint8Array; secret?: PushSecret },
    extra: Partial<PushEvent> = {},
  ): { event: PushEvent; delivered: number; secret: PushSecret } {
    this.pushCounter += 1;
    const event = pushEvent({
      id: `${this.now().toString(36)}-${this.pushCounter}`,
      devId: device.devId,
      kind,
      title,
      created: this.now(),
      pdu: built.pdu,
      ...extra,
    });
    this.store.addPush(event);
    const delivered = this.push.send(event);
    this.log(
      `push ${kind} "${title}" to ${device.devId}: ${delivered > 0 ? 'delivered' : 'waiting for the device to connect'}`,
    );
    return { event, delivered, secret: built.secret ?? {} };
  }

  /** Send a package 0 for a device's account; returns the SessionID the device will use. */
  notify(
    device: DeviceRecord,
    authority: Authority,
    uiMode: UiMode,
    title?: string,
  ): { event: PushEvent; delivered: number; secret: PushSecret } {
    const account = this.accountFor(device, authority);
    const id = 1 + ((((this.random.bytes(2)[0] ?? 0) << 8) | (this.random.bytes(1)[0] ?? 0)) % 0xfffe);
    const n = notificationPush(authority.serverId, account, id, uiMode);
    return this.emit(
      device,
      'package0',
      title ?? `${authority.name} asks the device to connect (${uiMode})`,
      { pdu: n.pdu },
      { sessionId: n.sessionId, uiMode },
    );
  }

  private notifyForRun(device: DeviceRecord, run: ScenarioRun, uiMode: UiMode): void {
    const authority = this.authority(run.authorityFor(this.authorities[0]?.serverId ?? ''));
    const title = run.current()?.title ?? run.scenario.title;
    this.notify(device, authority, uiMode, title);
  }

  sendPush(
    device: DeviceRecord,
    spec: {
      kind: PushKind;
      title?: string;
      sec?: SecMethodName;
      pin?: string;
      imsi?: string;
      authority?: string;
      uiMode?: UiMode;
      document?: CpCharacteristic[];
    },
  ): { event: PushEvent; delivered: number; secret: PushSecret } {
    // Package 0 is authenticated by its own digest (oma-dm.md §8), not by SEC / MAC.
    if (spec.kind === 'package0')
      return this.notify(device, this.authority(spec.authority), spec.uiMode ?? 'informative', spec.title);
    const sign = {
      sec: spec.sec ?? 'USERPIN',
      ...(spec.pin !== undefined ? { pin: spec.pin } : {}),
      ...((spec.imsi ?? device.imsi) !== undefined ? { imsi: (spec.imsi ?? device.imsi) as string } : {}),
    };
    if ((sign.sec === 'NETWPIN' || sign.sec === 'USERNETWPIN') && sign.imsi === undefined) {
      throw new HttpError(
        400,
        `${sign.sec} needs the device's IMSI: give "imsi", or open the push channel with &imsi=`,
      );
    }
    if (sign.sec !== 'NETWPIN' && sign.sec !== 'none' && sign.pin === undefined)
      throw new HttpError(400, `${sign.sec} needs a "pin"`);
    const wrap = (f: () => BuiltPush): BuiltPush => {
      try {
        return f();
      } catch (error) {
        if (isOtaError(error)) throw new HttpError(400, `${error.code}: ${error.message}`);
        throw error;
      }
    };
    switch (spec.kind) {
      case 'cp': {
        if (!spec.document || spec.document.length === 0)
          throw new HttpError(400, 'a cp push needs a "document" (characteristics)');
        const doc = spec.document;
        return this.emit(
          device,
          'cp',
          spec.title ?? 'Settings from your operator',
          wrap(() => cpPush(doc, sign)),
          { sec: sign.sec },
        );
      }
      case 'cp-bootstrap': {
        const authority = this.authority(spec.authority);
        const account = this.accountFor(device, authority);
        // CP carries nonces as text: re-key them to printable ones before sending (pushes.ts).
        if (
          nonceAsCpText(account.clientNonce) === undefined ||
          nonceAsCpText(account.serverNonce) === undefined
        ) {
          account.clientNonce = cpTextNonce(this.random);
          account.serverNonce = cpTextNonce(this.random);
          this.store.changed();
        }
        const uri = `${this.baseUrl()}${authority.path}`;
        return this.emit(
          device,
          'cp-bootstrap',
          spec.title ?? `DM account for ${authority.name} (CP w7)`,
          wrap(() => cpPush(w7Characteristics(authority, uri, account), sign)),
          { sec: sign.sec },
        );
      }
      case 'dm-bootstrap': {
        const authority = this.authority(spec.authority);
        const account = this.accountFor(device, authority);
        const uri = `${this.baseUrl()}${authority.path}`;
        const msg = dmBootstrapMessage(authority, uri, device.devId, account);
        return this.emit(
          device,
          'dm-bootstrap',
          spec.title ?? `DM account for ${authority.name} (DM bootstrap)`,
          wrap(() => dmBootstrapPush(msg, sign)),
          { sec: sign.sec },
        );
      }
    }
  }

  /** Queue a scenario for a device: its pushes go out now, its first session runs at the next connection. */
  startScenario(
    device: DeviceRecord,
    scenario: Scenario,
    options: { vars?: Record<string, string>; notify?: UiMode; pin?: string } = {},
  ): { queuedAt: number; pushes: { event: PushEvent; delivered: number; secret: PushSecret }[] } {
    const run = new ScenarioRun(scenario, options.vars ?? {});
    const authority = this.authority(run.authorityFor(this.authorities[0]?.serverId ?? ''));
    this.accountFor(device, authority);
    device.scenarios.push(run.snapshot());
    this.store.changed();
    const pushes: { event: PushEvent; delivered: number; secret: PushSecret }[] = [];
    for (const p of scenario.pushes) {
      const spec: Parameters<DmServer['sendPush']>[1] = { kind: p.kind, title: p.title, sec: p.sec };
      const pin = options.pin ?? p.pin;
      if (pin !== undefined) spec.pin = pin;
      if (p.kind === 'cp') spec.document = p.document;
      else if (p.authority !== undefined) spec.authority = p.authority;
      pushes.push(this.sendPush(device, spec));
    }
    const first = scenario.sessions[0];
    const uiMode = options.notify ?? first?.notify?.uiMode;
    if (uiMode !== undefined && device.scenarios.length === 1)
      pushes.push(this.notify(device, authority, uiMode, first?.title ?? scenario.title));
    this.log(`scenario ${scenario.name} queued for ${device.devId} (position ${device.scenarios.length})`);
    return { queuedAt: device.scenarios.length - 1, pushes };
  }

  // ------------------------------------------------------------------ API

  private deviceOr404(devId: string | undefined): DeviceRecord {
    const d = devId === undefined ? undefined : this.store.get(devId);
    if (!d) throw new HttpError(404, `no device "${devId ?? ''}"`);
    return d;
  }

  private deviceView(d: DeviceRecord, full: boolean): Record<string, unknown> {
    const log = (entries: RunLogEntry[]) =>
      entries.map((e) => (e.status === undefined ? e : { ...e, statusText: statusText(e.status) }));
    const sessions = d.sessions.map((s, index) => {
      const { trace, ...rest } = s;
      return { index, ...rest, ...(full ? { events: trace.events.slice(-20) } : {}) };
    });
    const accounts = Object.fromEntries(
      Object.entries(d.accounts).map(([id, a]) => [
        id,
        {
          authType: a.authType,
          clientName: a.clientName,
          serverAuthType: a.serverAuthType,
          ...(full ? { clientSecret: a.clientSecret, serverSecret: a.serverSecret } : {}),
        },
      ]),
    );
    return {
      devId: d.devId,
      imsi: d.imsi,
      registered: d.registered,
      firstSeen: d.firstSeen,
      lastSeen: d.lastSeen,
      devInfo: d.devInfo,
      accounts,
      pushChannel: { connected: this.push.connected(d.devId), waiting: this.push.waitingFor(d.devId) },
      inSession: [...this.live.values()].some((l) => l.device === d),
      scenarios: d.scenarios.map((r) => ({
        name: r.scenario.name,
        title: r.scenario.title,
        state: r.state,
        session: r.sessionIndex,
        sessions: r.scenario.sessions.length,
        reason: r.reason,
        log: full ? log(r.log) : undefined,
      })),
      history: full
        ? d.history.map((r) => ({
            name: r.scenario.name,
            title: r.scenario.title,
            state: r.state,
            reason: r.reason,
            log: log(r.log),
          }))
        : undefined,
      sessions: full ? sessions : sessions.slice(-1),
      pushes: full
        ? this.store
            .pushes(d.devId)
            .slice(-10)
            .map(({ bytes: _b, ...p }) => p)
        : undefined,
    };
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
    const [, resource, id, sub, index] = parts;
    const method = req.method ?? 'GET';
    if (resource === 'authorities' && method === 'GET') {
      this.json(
        req,
        res,
        200,
        this.authorities.map((a) => ({ ...a, url: `${this.baseUrl()}${a.path}` })),
      );
      return;
    }
    if (resource === 'scenarios' && method === 'GET' && id === undefined) {
      this.json(
        req,
        res,
        200,
        [...this.scenarios.values()].map((s) => ({
          name: s.name,
          title: s.title,
          description: s.description,
          sessions: s.sessions.length,
          pushes: s.pushes.map((p) => p.kind),
          notify: s.sessions[0]?.notify?.uiMode,
        })),
      );
      return;
    }
    if (resource === 'scenarios' && id === 'start' && method === 'POST') {
      const body = await readJson(req);
      const device = this.store.ensure(str(body, 'device', true), 'api', this.now());
      const name = str(body, 'scenario', true);
      const scenario = this.scenarios.get(name);
      if (!scenario)
        throw new HttpError(404, `no scenario "${name}"; loaded: ${[...this.scenarios.keys()].join(', ')}`);
      const notify = str(body, 'notify');
      if (notify !== undefined && !(UI_MODES as readonly string[]).includes(notify))
        throw new HttpError(400, `"notify" must be one of ${UI_MODES.join(', ')}`);
      const vars = body.vars;
      const opts: Parameters<DmServer['startScenario']>[2] = {};
      if (notify !== undefined) opts.notify = notify as UiMode;
      const pin = str(body, 'pin');
      if (pin !== undefined) opts.pin = pin;
      if (vars !== undefined) {
        if (
          typeof vars !== 'object' ||
          vars === null ||
          Object.values(vars).some((v) => typeof v !== 'string')
        )
          throw new HttpError(400, '"vars" must be an object of strings');
        opts.vars = vars as Record<string, string>;
      }
      const out = this.startScenario(device, scenario, opts);
      this.json(req, res, 200, {
        queuedAt: out.queuedAt,
        pushes: out.pushes.map((p) => ({
          id: p.event.id,
          kind: p.event.kind,
          title: p.event.title,
          delivered: p.delivered,
          ...p.secret,
        })),
      });
      return;
    }
    if (resource === 'push' && method === 'POST') {
      const body = await readJson(req);
      const device = this.store.ensure(str(body, 'device', true), 'api', this.now());
      const kind = str(body, 'kind', true) as PushKind;
      if (!['cp', 'cp-bootstrap', 'dm-bootstrap', 'package0'].includes(kind))
        throw new HttpError(400, '"kind" must be cp, cp-bootstrap, dm-bootstrap or package0');
      const spec: Parameters<DmServer['sendPush']>[1] = { kind };
      for (const key of ['title', 'pin', 'imsi', 'authority'] as const) {
        const v = str(body, key);
        if (v !== undefined) spec[key] = v;
      }
      const sec = str(body, 'sec');
      if (sec !== undefined) {
        if (!['NETWPIN', 'USERPIN', 'USERNETWPIN', 'USERPINMAC', 'none'].includes(sec))
          throw new HttpError(400, '"sec" must be NETWPIN, USERPIN, USERNETWPIN, USERPINMAC or none');
        spec.sec = sec as SecMethodName;
      }
      const uiMode = str(body, 'uiMode');
      if (uiMode !== undefined) {
        if (!(UI_MODES as readonly string[]).includes(uiMode))
          throw new HttpError(400, `"uiMode" must be one of ${UI_MODES.join(', ')}`);
        spec.uiMode = uiMode as UiMode;
      }
      if (kind === 'cp') {
        const fromScenario = str(body, 'fromScenario');
        if (fromScenario !== undefined) {
          const s = this.scenarios.get(fromScenario);
          const p = s?.pushes.find((x) => x.kind === 'cp');
          if (!p || p.kind !== 'cp') throw new HttpError(404, `scenario "${fromScenario}" has no CP push`);
          spec.document = p.document;
          spec.title ??= p.title;
          spec.sec ??= p.sec;
          if (spec.pin === undefined && p.pin !== undefined) spec.pin = p.pin;
        } else {
          // A document given inline, in the scenario file's form.
          const check = validateScenario({
            format: 'ota-handset-scenario/1',
            name: 'inline',
            title: 'inline',
            pushes: [{ kind: 'cp', sec: 'none', document: body.document }],
            steps: [],
          });
          if (!check.ok)
            throw new HttpError(
              400,
              check.errors.map((e) => `${e.path.replace('$.pushes[0].', '')}: ${e.message}`).join('; '),
            );
          const p = check.scenario.pushes[0];
          if (p?.kind === 'cp') spec.document = p.document;
        }
      }
      const out = this.sendPush(device, spec);
      this.json(req, res, 200, { event: out.event, delivered: out.delivered, ...out.secret });
      return;
    }
    if (resource === 'devices' && method === 'GET' && id === undefined) {
      this.json(
        req,
        res,
        200,
        this.store.all().map((d) => this.deviceView(d, false)),
      );
      return;
    }
    if (resource === 'devices' && method === 'GET' && sub === undefined) {
      this.json(req, res, 200, this.deviceView(this.deviceOr404(id), true));
      return;
    }
    if (resource === 'devices' && method === 'GET' && sub === 'sessions') {
      const d = this.deviceOr404(id);
      const s = d.sessions[Number(index)];
      if (!s) throw new HttpError(404, `device ${d.devId} has no session #${index ?? ''}`);
      this.json(req, res, 200, s.trace);
      return;
    }
    if (resource === 'devices' && method === 'POST' && id === undefined) {
      const body = await readJson(req);
      const devId = str(body, 'device', true);
      const authority = this.authority(str(body, 'authority'));
      const device = this.store.ensure(devId, 'api', this.now());
      const imsi = str(body, 'imsi');
      if (imsi !== undefined) device.imsi = imsi;
      const authType = str(body, 'authType') ?? 'md5';
      const serverAuthType = str(body, 'serverAuthType') ?? (authType === 'basic' ? 'none' : authType);
      if (!(CLIENT_AUTH_TYPES as readonly string[]).includes(authType))
        throw new HttpError(400, `"authType" must be ${CLIENT_AUTH_TYPES.join(', ')}`);
      if (!(SERVER_AUTH_TYPES as readonly string[]).includes(serverAuthType))
        throw new HttpError(400, `"serverAuthType" must be ${SERVER_AUTH_TYPES.join(', ')}`);
      const base = demoAccount(
        authority.serverId,
        str(body, 'clientName') ?? 'handset',
        authType as ClientAuthType,
        this.random,
      );
      const account: AccountRecord = {
        ...base,
        serverAuthType: serverAuthType as ServerAuthType,
        clientSecret: str(body, 'clientSecret') ?? base.clientSecret,
        serverSecret: str(body, 'serverSecret') ?? base.serverSecret,
        clientNonce: str(body, 'clientNonce') ?? base.clientNonce,
        serverNonce: str(body, 'serverNonce') ?? base.serverNonce,
      };
      device.accounts[authority.serverId] = account;
      this.store.changed();
      this.json(req, res, 200, this.deviceView(device, true));
      return;
    }
    throw new HttpError(404, `no API ${method} ${url.pathname}`);
  }
}
