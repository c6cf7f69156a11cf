import { MemoryTreeStore } from '../adapters/memory-tree-store.ts';
import {
  freshDeviceState,
  loadDeviceState,
  saveDeviceState,
  type DeviceState,
} from '../adapters/state-file.ts';
import { StateFileError } from '../adapters/state-file-error.ts';
import { systemClock as clock } from '../adapters/system-clock.ts';
import { ManagementTree } from '../core/tree/tree.ts';
import { EXIT } from './exit-codes.ts';
import { UsageError, type CliIo } from './io.ts';

/** The user-agent of the headless device's HTTP requests (DM sessions, flows). */
export const HEADLESS_USER_AGENT = 'ota-handset/0.1 (OMA DM 1.2 emulator)';

/** An open headless device: its state, its tree, and how to save it back. */
export interface HeadlessDevice {
  state: DeviceState;
  tree: ManagementTree;
  save(): Promise<void>;
}

/**
 * Opens the device kept in `path`. `create`: a missing file becomes a fresh device (default
 * identity) for commands that write; otherwise a missing file is a usage error.
 */
export async function openDevice(path: string, create: boolean): Promise<HeadlessDevice> {
  let state = await loadDeviceState(path);
  if (!state) {
    if (!create)
      throw new UsageError(
        `no state file at ${path}; create one with: ota-handset device init --state ${path}`,
      );
    state = freshDeviceState(clock.now());
  }
  const store = new MemoryTreeStore(state.nodes);
  const tree = await ManagementTree.open(store, { clock });
  const device: HeadlessDevice = {
    state,
    tree,
    save: async () => {
      device.state = { ...device.state, nodes: tree.snapshot() };
      await saveDeviceState(path, device.state, clock.now());
    },
  };
  return device;
}

/** Runs a verb body, turning state file problems into exit 2. */
export async function withStateErrors(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof StateFileError) {
      io.err(`error ${error.code}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
