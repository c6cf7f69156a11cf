/**
 * A whole device as one versioned JSON document: the identity and the management tree with
 * its properties, ACLs and secrets. The CLI's `--state` file and the browser's "Export device"
 * are this same document, so a device moves between them unchanged.
 */
import { OtaError } from '../errors.ts';
import { identityProblems, type DeviceIdentity } from './identity.ts';
import type { NodeRecord } from '../tree/types.ts';

export const STATE_FILE_FORMAT = 'ota-handset-device-state';
export const STATE_FILE_VERSION = 1;

export interface DeviceState {
  identity: DeviceIdentity;
  nodes: NodeRecord[];
}

export class StateDocumentError extends OtaError {
  constructor(code: 'state-file-corrupt' | 'state-file-version', message: string) {
    super(code, message);
  }
}

function isRecord(value: unknown): value is NodeRecord {
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
    typeof r.verNo === 'number'
  );
}

/** The document as text; `savedAtMs` (ms since the epoch) is written as an ISO 8601 time. */
export function serializeDeviceState(state: DeviceState, savedAtMs: number): string {
  const json = {
    format: STATE_FILE_FORMAT,
    version: STATE_FILE_VERSION,
    savedAt: new Date(savedAtMs).toISOString(),
    identity: state.identity,
    nodes: state.nodes,
  };
  return `${JSON.stringify(json, null, 1)}\n`;
}

/**
 * Reads and validates a document. `name` says where it came from, for messages. A newer
 * version or a damaged file is refused with a clear message: nothing partial is returned.
 */
export function parseDeviceState(text: string, name = 'the file'): DeviceState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateDocumentError(
      'state-file-corrupt',
      `${name} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const doc = json as { format?: unknown; version?: unknown; identity?: unknown; nodes?: unknown };
  if (typeof json !== 'object' || json === null || doc.format !== STATE_FILE_FORMAT)
    throw new StateDocumentError('state-file-corrupt', `${name} is not an ota-handset device state file`);
  if (doc.version !== STATE_FILE_VERSION)
    throw new StateDocumentError(
      'state-file-version',
      `${name} has state file version ${String(doc.version)}; this ota-handset reads version ${STATE_FILE_VERSION}`,
    );
  const identity = doc.identity as DeviceIdentity;
  if (typeof identity !== 'object' || identity === null || Object.keys(identityProblems(identity)).length > 0)
    throw new StateDocumentError('state-file-corrupt', `${name} has a missing or invalid identity`);
  const nodes = doc.nodes;
  if (!Array.isArray(nodes) || !nodes.every(isRecord) || !nodes.some((r) => r.uri === '.'))
    throw new StateDocumentError('state-file-corrupt', `${name} has a missing or damaged management tree`);
  return { identity, nodes };
}
