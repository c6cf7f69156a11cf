/**
 * The trace of one DM session: every message both ways (bytes, content type, decoded XML
 * text, time), every command paired with its statuses and results, status codes explained
 * in words, round-trip times, and how and why the session ended.
 *
 * A trace is plain JSON (bytes as base64) so IndexedDB can store it, the CLI can write it
 * with `--trace`, and the inspector can show or export it. `TraceRecorder` builds one while
 * the engine runs; `formatTrace` renders it as readable text.
 */
import { toBase64 } from '../bytes/index.ts';
import { alertText } from '../syncml/alert-codes.ts';
import type { Command, CommandKind, Item, Results, Status } from '../syncml/message.ts';
import { dataText } from '../syncml/message.ts';
import { statusMeaning, statusText } from '../syncml/status-codes.ts';

export const TRACE_VERSION = 1;

export type DmEncoding = 'xml' | 'wbxml';

export interface TraceMessage {
  /** 0-based position in the session, both directions counted. */
  index: number;
  direction: 'out' | 'in';
  /** Milliseconds since the epoch (the session's Clock): sent for `out`, received for `in`. */
  time: number;
  /** Where an outgoing message was posted. */
  url?: string;
  httpStatus?: number;
  contentType: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  size: number;
  /** The exact bytes, base64. */
  bodyBase64: string;
  /** The message as XML text for display ('' when it could not be decoded). */
  text: string;
  encoding?: DmEncoding;
  MsgID?: string;
  final?: boolean;
  /** `in` only: milliseconds since the matching `out` was sent. */
  roundTripMs?: number;
  /** Why the bytes could not be read as SyncML. */
  decodeError?: string;
}

export interface TraceStatus {
  code: number;
  /** Short name, e.g. `Permission denied`. */
  text: string;
  /** A sentence for testers. */
  meaning: string;
  /** The message and CmdID the Status travelled in. */
  MsgID: string;
  CmdID: string;
  TargetRef: string[];
  SourceRef: string[];
  /** Data of the Status Items (UI alert answers). */
  items: string[];
  /** Why the handset chose this code (tree reason, alert answer ...), when known. */
  reason?: string;
}

export interface TraceResultItem {
  source?: string;
  format?: string;
  type?: string;
  /** The data as text, cut at 2000 characters. */
  data: string;
  moreData?: boolean;
}

export interface TraceResults {
  MsgID: string;
  CmdID: string;
  items: TraceResultItem[];
}

export interface TraceCommand {
  /** Who sent the command. */
  from: 'server' | 'client';
  /** MsgID of the message that held it. */
  MsgID: string;
  CmdID: string;
  kind: CommandKind;
  /** Alert code and its name, for Alerts. */
  alert?: number;
  alertText?: string;
  targets: string[];
  sources: string[];
  /** CmdID of the Atomic / Sequence holding it. */
  parent?: string;
  /** Short text for the UI (e.g. Item data of a Replace, cut). */
  summary?: string;
  /** For server commands: the handset's statuses; for client commands: the server's. */
  statuses: TraceStatus[];
  results: TraceResults[];
}

export interface TraceEvent {
  time: number;
  level: 'info' | 'warning' | 'error';
  text: string;
}

export type SessionOutcome = 'completed' | 'failed' | 'aborted-by-server' | 'aborted-by-client';

export type SessionPhase = 'connecting' | 'authenticating' | 'in-session' | 'waiting-for-user' | 'done';

export interface SessionTrace {
  version: typeof TRACE_VERSION;
  SessionID: string;
  serverId: string;
  accountUri: string;
  serverUrl: string;
  initiator: 'client' | 'server';
  encoding: DmEncoding;
  started: number;
  ended?: number;
  outcome?: SessionOutcome;
  /** One or two sentences for people: why the session ended the way it did. */
  reason?: string;
  /** A serialised error (TransportError, SyncMLError ...) when one ended the session. */
  error?: { name: string; code: string; message: string; details: Record<string, unknown> };
  messages: TraceMessage[];
  commands: TraceCommand[];
  events: TraceEvent[];
}

const MAX_DATA_TEXT = 2000;

function cut(text: string, max = MAX_DATA_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

function itemData(item: Item): string {
  if (item.Data instanceof Uint8Array) return `[${item.Data.length} bytes]`;
  if (Array.isArray(item.Data)) return '[embedded XML]';
  return cut(dataText(item.Data));
}

function refs(cmd: Command): { targets: string[]; sources: string[] } {
  const targets: string[] = [];
  const sources: string[] = [];
  if ('Items' in cmd && cmd.kind !== 'Status' && cmd.kind !== 'Results') {
    for (const item of cmd.Items) {
      if (item.Target) targets.push(item.Target.LocURI);
      if (item.Source) sources.push(item.Source.LocURI);
    }
  }
  return { targets, sources };
}

export function describeStatus(code: number): { text: string; meaning: string } {
  return { text: statusText(code), meaning: statusMeaning(code) };
}

/** Builds a SessionTrace as the engine runs; `trace` is the live JSON object. */
export class TraceRecorder {
  readonly trace: SessionTrace;
  private readonly byKey = new Map<string, TraceCommand>();

  constructor(init: Omit<SessionTrace, 'version' | 'messages' | 'commands' | 'events'>) {
    this.trace = { version: TRACE_VERSION, ...init, messages: [], commands: [], events: [] };
  }

  message(entry: Omit<TraceMessage, 'index' | 'bodyBase64' | 'size'>, body: Uint8Array): TraceMessage {
    const msg: TraceMessage = {
      index: this.trace.messages.length,
      ...entry,
      size: body.length,
      bodyBase64: toBase64(body),
    };
    if (msg.direction === 'in') {
      for (let i = this.trace.messages.length - 1; i >= 0; i--) {
        const prev = this.trace.messages[i];
        if (prev?.direction === 'out') {
          msg.roundTripMs = msg.time - prev.time;
          break;
        }
      }
    }
    this.trace.messages.push(msg);
    return msg;
  }

  /** Records a command (and, for Atomic / Sequence, its members). */
  command(from: 'server' | 'client', MsgID: string, cmd: Command, parent?: string): TraceCommand {
    const { targets, sources } = refs(cmd);
    const entry: TraceCommand = {
      from,
      MsgID,
      CmdID: cmd.CmdID,
      kind: cmd.kind,
      targets,
      sources,
      statuses: [],
      results: [],
    };
    if (parent !== undefined) entry.parent = parent;
    if (cmd.kind === 'Alert') {
      entry.alert = cmd.Data;
      entry.alertText = alertText(cmd.Data);
      const texts = cmd.Items.map(itemData).filter((t) => t !== '');
      if (texts.length > 0) entry.summary = cut(texts.join(' | '), 200);
    } else if (cmd.kind === 'Add' || cmd.kind === 'Replace') {
      const texts = cmd.Items.map(itemData).filter((t) => t !== '');
      if (texts.length > 0) entry.summary = cut(texts.join(' | '), 200);
    }
    this.trace.commands.push(entry);
    this.byKey.set(`${from}:${MsgID}:${cmd.CmdID}`, entry);
    if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence') {
      for (const member of cmd.commands) this.command(from, MsgID, member, cmd.CmdID);
    }
    return entry;
  }

  find(from: 'server' | 'client', MsgID: string, CmdID: string): TraceCommand | undefined {
    return this.byKey.get(`${from}:${MsgID}:${CmdID}`);
  }

  /** Pairs a Status with the command it answers: ours for a server command, the server's for ours. */
  status(from: 'server' | 'client', status: Status, sentIn: string, reason?: string): void {
    const owner = from === 'client' ? 'server' : 'client';
    const target = this.find(owner, status.MsgRef, status.CmdRef);
    if (!target) return;
    const entry: TraceStatus = {
      code: status.Data,
      ...describeStatus(status.Data),
      MsgID: sentIn,
      CmdID: status.CmdID,
      TargetRef: status.TargetRef,
      SourceRef: status.SourceRef,
      items: status.Items.map(itemData),
    };
    if (reason !== undefined) entry.reason = reason;
    target.statuses.push(entry);
  }

  results(from: 'server' | 'client', results: Results, sentIn: string): void {
    const owner = from === 'client' ? 'server' : 'client';
    const target = this.find(owner, results.MsgRef ?? '', results.CmdRef);
    if (!target) return;
    target.results.push({
      MsgID: sentIn,
      CmdID: results.CmdID,
      items: results.Items.map((item) => {
        const out: TraceResultItem = { data: itemData(item) };
        if (item.Source) out.source = item.Source.LocURI;
        const meta = { ...results.Meta, ...item.Meta };
        if (meta.Format !== undefined) out.format = meta.Format;
        if (meta.Type !== undefined) out.type = meta.Type;
        if (item.MoreData) out.moreData = true;
        return out;
      }),
    });
  }

  event(time: number, level: TraceEvent['level'], text: string): void {
    this.trace.events.push({ time, level, text });
  }

  finish(time: number, outcome: SessionOutcome, reason: string, error?: SessionTrace['error']): void {
    if (this.trace.outcome !== undefined) return;
    this.trace.ended = time;
    this.trace.outcome = outcome;
    this.trace.reason = reason;
    if (error) this.trace.error = error;
  }
}

// ---------------------------------------------------------------------------------------
// Readable rendering (CLI, copy button)

function clock(ms: number, start: number): string {
  return `+${((ms - start) / 1000).toFixed(3)}s`;
}

const OUTCOME_TEXT: Record<SessionOutcome, string> = {
  completed: 'completed',
  failed: 'FAILED',
  'aborted-by-server': 'aborted by the server',
  'aborted-by-client': 'aborted by the handset',
};

/**
 * The trace as text: a header, the messages in order with the commands they carried and
 * the statuses paired with them, then the outcome. `withXml` adds each message's XML.
 */
export function formatTrace(trace: SessionTrace, options: { withXml?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(
    `DM session ${trace.SessionID} with ${trace.serverId} (${trace.initiator}-initiated, ${trace.encoding.toUpperCase()})`,
    `  account ${trace.accountUri}, server ${trace.serverUrl}`,
  );
  const start = trace.started;
  for (const msg of trace.messages) {
    const arrow = msg.direction === 'out' ? '>>' : '<<';
    const who = msg.direction === 'out' ? 'handset -> server' : 'server -> handset';
    const rt = msg.roundTripMs !== undefined ? `, ${msg.roundTripMs} ms round trip` : '';
    lines.push(
      '',
      `${arrow} ${clock(msg.time, start)} message ${msg.MsgID ?? '?'} ${who}, ${msg.size} bytes ${msg.contentType}${msg.final ? ', Final' : ''}${rt}`,
    );
    if (msg.decodeError) lines.push(`   could not read it: ${msg.decodeError}`);
    const from = msg.direction === 'out' ? 'client' : 'server';
    for (const cmd of trace.commands) {
      if (cmd.from !== from || cmd.MsgID !== msg.MsgID) continue;
      const indent = cmd.parent !== undefined ? '     ' : '   ';
      const alert = cmd.alert !== undefined ? ` ${cmd.alert} (${cmd.alertText ?? ''})` : '';
      const where =
        cmd.targets.length > 0
          ? ` ${cmd.targets.join(', ')}`
          : cmd.sources.length > 0
            ? ` ${cmd.sources.join(', ')}`
            : '';
      lines.push(
        `${indent}${cmd.kind}${alert}${where} [CmdID ${cmd.CmdID}]${cmd.summary ? `: ${cut(cmd.summary, 80)}` : ''}`,
      );
      for (const s of cmd.statuses) {
        const at = s.TargetRef.length > 0 && cmd.targets.length > 1 ? ` ${s.TargetRef.join(', ')}` : '';
        const items = s.items.length > 0 ? ` [${s.items.join(', ')}]` : '';
        const reason = s.reason ? ` (${s.reason})` : '';
        lines.push(`${indent}  -> ${s.code} ${s.text}${at}${items}${reason}`);
      }
      for (const r of cmd.results) {
        for (const item of r.items) {
          lines.push(
            `${indent}  => ${item.source ?? ''} = ${cut(item.data, 120)}${item.moreData ? ' (more data follows)' : ''}`,
          );
        }
      }
    }
    if (options.withXml && msg.text !== '') lines.push(...msg.text.split('\n').map((l) => `   | ${l}`));
  }
  const warnings = trace.events.filter((e) => e.level !== 'info');
  if (warnings.length > 0) {
    lines.push('', 'Notes:');
    for (const e of warnings) lines.push(`  ${clock(e.time, start)} ${e.level}: ${e.text}`);
  }
  lines.push(
    '',
    `Session ${OUTCOME_TEXT[trace.outcome ?? 'failed']}${trace.reason ? `: ${trace.reason}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
