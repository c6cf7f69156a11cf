/**
 * The headless device's state file (`ota-handset … --state device.json`): the identity and the
 * management tree as JSON, with a format version. Written atomically (temp file + rename).
 */
import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { OtaError } from '../core/errors.ts';
import { DEFAULT_IDENTITY, identityProblems, type DeviceIdentity } from '../core/device/identity.ts';
import { createFactoryTree } from '../core/tree/factory.ts';
import type { NodeRecord } from '../core/tree/types.ts';

export const STATE_FILE_FORMAT = 'ota-handset-device-state';
export const STATE_FILE_VERSION = 1;

export interface DeviceState {
  identity: DeviceIdentity;
  nodes: NodeRecord[];
}

interface StateFileJson {
  format: typeof STATE_FILE_FORMAT;
  version: number;
  savedAt: string;
  identity: DeviceIdentity;
  nodes: NodeRecord[];
}

export class StateFileError extends OtaError {
  constructor(
    code: 'state-file-corrupt' | 'state-file-version' | 'state-file-missing',
    path: string,
    message: string,
  ) {
    super(code, message, { path });
  }
}

/** A fresh device: the default identity (or the one given) and its factory tree. */
export function freshDeviceState(nowMs: number, identity: DeviceIdentity = DEFAULT_IDENTITY): DeviceState {
  return { identity, nodes: createFactoryTree(identity, nowMs) };
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

/** Reads a state file; `undefined` when it does not exist. Throws StateFileError when it is unusable. */
export async function loadDeviceState(path: string): Promise<DeviceState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(
      'state-file-corrupt',
      path,
      `${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const doc = json as Partial<StateFileJson>;
  if (typeof json !== 'object' || json === null || doc.format !== STATE_FILE_FORMAT)
    throw new StateFileError('state-file-corrupt', path, `${path} is not an ota-handset device state file`);
  if (doc.version !== STATE_FILE_VERSION)
    throw new StateFileError(
      'state-file-version',
      path,
      `${path} has state file version ${String(doc.version)}; this ota-handset reads version ${STATE_FILE_VERSION}`,
    );
  const identity = doc.identity;
  if (typeof identity !== 'object' || identity === null || Object.keys(identityProblems(identity)).length > 0)
    throw new StateFileError('state-file-corrupt', path, `${path} has a missing or invalid identity`);
  if (!Array.isArray(doc.nodes) || !doc.nodes.every(isRecord) || !doc.nodes.some((r) => r.uri === '.'))
    throw new StateFileError('state-file-corrupt', path, `${path} has a missing or damaged management tree`);
  return { identity, nodes: doc.nodes };
}

/** Writes the state atomically: a temp file next to it, then a rename over it. */
export async function saveDeviceState(path: string, state: DeviceState, nowMs: number): Promise<void> {
  const json: StateFileJson = {
    format: STATE_FILE_FORMAT,
    version: STATE_FILE_VERSION,
    savedAt: new Date(nowMs).toISOString(),
    identity: state.identity,
    nodes: state.nodes,
  };
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(json, null, 1)}\n`, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
