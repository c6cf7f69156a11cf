/**
 * The headless device's state file (`ota-handset … --state device.json`): the identity and the
 * management tree as JSON, with a format version. Written atomically (temp file + rename).
 */
import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { DEFAULT_IDENTITY, type DeviceIdentity } from '../core/device/identity.ts';
import {
  parseDeviceState,
  serializeDeviceState,
  StateDocumentError,
  STATE_FILE_FORMAT,
  STATE_FILE_VERSION,
  type DeviceState,
} from '../core/device/state-document.ts';
import { createFactoryTree } from '../core/tree/factory.ts';
import { StateFileError } from './state-file-error.ts';

export { STATE_FILE_FORMAT, STATE_FILE_VERSION, type DeviceState };

/** A fresh device: the default identity (or the one given) and its factory tree. */
export function freshDeviceState(nowMs: number, identity: DeviceIdentity = DEFAULT_IDENTITY): DeviceState {
  return { identity, nodes: createFactoryTree(identity, nowMs) };
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
  try {
    return parseDeviceState(text, path);
  } catch (error) {
    if (error instanceof StateDocumentError)
      throw new StateFileError(error.code as 'state-file-corrupt', path, error.message);
    throw error;
  }
}

/** Writes the state atomically: a temp file next to it, then a rename over it. */
export async function saveDeviceState(path: string, state: DeviceState, nowMs: number): Promise<void> {
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temp, serializeDeviceState(state, nowMs), 'utf8');
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
