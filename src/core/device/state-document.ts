/**
 * A whole device as one versioned JSON document. The CLI's `--state` file, the browser's
 * "Export device", snapshots and demo bundles are this same document, so a device moves
 * between them unchanged (docs/decisions/0135-device-state-document-v2.md).
 *
 * Version 2 holds the identity, the management tree (properties, ACLs, secrets), the
 * provisioning inbox, the DM session traces and the device settings (the `device` store's
 * records other than the identity, e.g. `preferences`). Version 1 files (identity and tree
 * only) are read and migrated up with empty extra sections. Byte arrays (the inbox keeps the
 * received bytes) are written as `{"$bytes": "<base64>"}` and read back as Uint8Array.
 */
import { OtaError } from '../errors.ts';
import { parseBase64, toBase64 } from '../bytes/base64.ts';
import { identityProblems, type DeviceIdentity } from './identity.ts';
import type { InboxRecord } from '../cp/inbox.ts';
import type { NodeRecord } from '../tree/types.ts';

export const STATE_FILE_FORMAT = 'ota-handset-device-state';
export const STATE_FILE_VERSION = 2;

/**
 * A stored DM session trace as the browser's trace store keeps it (the core's SessionTrace plus
 * `id` and `serverName`). Only the fields the trace list is built from are checked here.
 */
export interface StoredTraceRecord {
  id: string;
  serverId: string;
  serverName: string;
  initiator: 'client' | 'server';
  started: number;
  messages: unknown[];
  commands: unknown[];
  [field: string]: unknown;
}

/**
 * The device. `inbox`, `traces` and `settings` are optional so that callers that only know the
 * identity and tree (the CLI) can build one; `parseDeviceState` always fills them, and whoever
 * reads a file and writes it back keeps them by spreading the state it read.
 */
export interface DeviceState {
  identity: DeviceIdentity;
  nodes: NodeRecord[];
  /** Provisioning inbox records, newest first. */
  inbox?: InboxRecord[];
  /** Stored DM session traces, newest first. */
  traces?: StoredTraceRecord[];
  /** Device settings by key (the `device` store without `identity`), e.g. `preferences`. */
  settings?: Record<string, unknown>;
}

/** A parsed document: every section present. */
export type CompleteDeviceState = Required<DeviceState>;

export class StateDocumentError extends OtaError {
  constructor(code: 'state-file-corrupt' | 'state-file-version', message: string) {
    super(code, message);
  }
}

function isNodeRecord(value: unknown): value is NodeRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.uri === 'string' &&
    typeof r.parent === 'string' &&
    typeof r.name === 'string' &&
    typeof r.seq === 'number' &&
    typeof r.format === 'string' &&
    typeof r.type === 'string' &&
    typeof r.acl === 'string' &&
    typeof r.tstamp === 'string' &&
    typeof r.verNo === 'number' &&
    (r.value === undefined || typeof r.value === 'string')
  );
}

const INBOX_SOURCES = new Set(['paste', 'file', 'push']);
const INBOX_STATUSES = new Set([
  'received',
  'awaiting-pin',
  'awaiting-consent',
  'applied',
  'rejected',
  'discarded',
  'invalid',
  'failed',
]);

function isInboxRecord(value: unknown): value is InboxRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    r.id !== '' &&
    typeof r.receivedAt === 'number' &&
    INBOX_SOURCES.has(r.source as string) &&
    r.raw instanceof Uint8Array &&
    typeof r.rawIsText === 'boolean' &&
    typeof r.kind === 'string' &&
    typeof r.pinAttempts === 'number' &&
    INBOX_STATUSES.has(r.status as string) &&
    Array.isArray(r.warnings) &&
    (r.body === undefined || r.body instanceof Uint8Array)
  );
}

function isTraceRecord(value: unknown): value is StoredTraceRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    r.id !== '' &&
    typeof r.serverId === 'string' &&
    typeof r.serverName === 'string' &&
    (r.initiator === 'client' || r.initiator === 'server') &&
    typeof r.started === 'number' &&
    Array.isArray(r.messages) &&
    Array.isArray(r.commands)
  );
}

const IDENTITY_FIELDS = ['name', 'imei', 'imsi', 'manufacturer', 'model', 'language'] as const;

/** Every identity field present and a string, so the identity rules can run on it. */
function isIdentityShape(value: unknown): value is DeviceIdentity {
  return isPlainObject(value) && IDENTITY_FIELDS.every((field) => typeof value[field] === 'string');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function allUnique(ids: string[]): boolean {
  return new Set(ids).size === ids.length;
}

/** JSON.stringify replacer: byte arrays as `{"$bytes": base64}`. */
function bytesReplacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { $bytes: toBase64(value) } : value;
}

/** `{"$bytes": base64}` back to a Uint8Array (a bad base64 text throws); anything else as it is. */
function bytesFrom(value: unknown): unknown {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof value.$bytes === 'string')
      return parseBase64(value.$bytes);
  }
  return value;
}

/** The document as text; `savedAtMs` (ms since the epoch) is written as an ISO 8601 time. */
export function serializeDeviceState(state: DeviceState, savedAtMs: number): string {
  const json = {
    format: STATE_FILE_FORMAT,
    version: STATE_FILE_VERSION,
    savedAt: new Date(savedAtMs).toISOString(),
    identity: state.identity,
    nodes: state.nodes,
    inbox: state.inbox ?? [],
    traces: state.traces ?? [],
    settings: state.settings ?? {},
  };
  return `${JSON.stringify(json, bytesReplacer, 1)}\n`;
}

/**
 * Reads and validates a document (version 1 or 2). `name` says where it came from, for
 * messages. A newer version or a damaged file is refused with a clear message: nothing
 * partial is returned, so a caller that validates first and writes after changes nothing.
 */
export function parseDeviceState(text: string, name = 'the file'): CompleteDeviceState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateDocumentError(
      'state-file-corrupt',
      `${name} is not valid JSON: ${(error as Error).message}`,
    );
  }
  return readDeviceStateJson(json, name);
}

/** Validates an already parsed document (e.g. one embedded in a demo bundle), bytes as `{"$bytes"}`. */
export function readDeviceStateJson(json: unknown, name = 'the file'): CompleteDeviceState {
  const doc = reviveBytes(json, name);
  if (!isPlainObject(doc) || doc.format !== STATE_FILE_FORMAT)
    throw new StateDocumentError('state-file-corrupt', `${name} is not an ota-handset device state file`);
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new StateDocumentError('state-file-corrupt', `${name} has no valid state file version`);
  if (version > STATE_FILE_VERSION)
    throw new StateDocumentError(
      'state-file-version',
      `${name} has state file version ${version}, newer than this ota-handset reads (version ${STATE_FILE_VERSION}); update ota-handset to open it`,
    );
  const identity = doc.identity;
  if (!isIdentityShape(identity) || Object.keys(identityProblems(identity)).length > 0)
    throw new StateDocumentError('state-file-corrupt', `${name} has a missing or invalid identity`);
  const nodes = doc.nodes;
  if (
    !Array.isArray(nodes) ||
    !nodes.every(isNodeRecord) ||
    !nodes.some((r) => r.uri === '.') ||
    !allUnique(nodes.map((r) => r.uri))
  )
    throw new StateDocumentError('state-file-corrupt', `${name} has a missing or damaged management tree`);
  if (version === 1) return { identity, nodes, inbox: [], traces: [], settings: {} };

  const { inbox, traces, settings } = doc;
  if (!Array.isArray(inbox) || !inbox.every(isInboxRecord) || !allUnique(inbox.map((r) => r.id)))
    throw new StateDocumentError('state-file-corrupt', `${name} has a damaged provisioning inbox`);
  if (!Array.isArray(traces) || !traces.every(isTraceRecord) || !allUnique(traces.map((r) => r.id)))
    throw new StateDocumentError('state-file-corrupt', `${name} has damaged session traces`);
  if (!isPlainObject(settings) || 'identity' in settings)
    throw new StateDocumentError('state-file-corrupt', `${name} has damaged device settings`);
  return { identity, nodes, inbox, traces, settings };
}

/** A copy of parsed JSON with every `{"$bytes"}` object turned into a Uint8Array. */
function reviveBytes(value: unknown, name: string): unknown {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((inner) => reviveBytes(inner, name));
  if (isPlainObject(value)) {
    // fromEntries defines own properties, so a `__proto__` key stays data.
    const out = Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, reviveBytes(inner, name)]),
    );
    try {
      return bytesFrom(out);
    } catch (error) {
      throw new StateDocumentError(
        'state-file-corrupt',
        `${name} has damaged bytes (bad base64): ${(error as Error).message}`,
      );
    }
  }
  return value;
}
