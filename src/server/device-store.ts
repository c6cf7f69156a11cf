/**
 * The reference DM server's durable state: devices, their accounts (credentials and nonces),
 * queued scenario runs, recent sessions with their traces, recent pushes (decision 0070).
 *
 * One JSON file, rewritten whole on each change: written to a temporary file next to it and
 * renamed over it (atomic on POSIX file systems), so a crash leaves the old or the new state,
 * never half a file. Writes are serialised: while one is in flight, further changes only mark
 * the state dirty and one more write follows. Without a path the store lives in memory (tests).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AccountRecord } from '../core/dm-server/account.ts';
import type { RunSnapshot } from '../core/dm-server/engine.ts';
import type { PushEvent } from '../core/dm-server/pushes.ts';
import type { SessionTrace } from '../core/dm/trace.ts';
import { StateFileError } from '../adapters/state-file-error.ts';

export const STATE_FORMAT = 'ota-handset-dm-server-state/1';
const MAX_SESSIONS_PER_DEVICE = 12;
const MAX_PUSHES = 200;
const MAX_HISTORY = 20;

export interface SessionSummary {
  sessionId: string;
  serverId: string;
  started: number;
  ended?: number;
  outcome: string;
  reason?: string;
  initiator?: 'client' | 'server';
  encoding: 'xml' | 'wbxml';
  messages: number;
  scenario?: string;
  trace: SessionTrace;
}

export interface DeviceRecord {
  devId: string;
  imsi?: string;
  /** How the server came to know it: registered through the API, auto-registered (demo mode), bootstrapped by the server. */
  registered: 'api' | 'auto' | 'bootstrap';
  firstSeen: number;
  lastSeen?: number;
  devInfo: Record<string, string>;
  accounts: Record<string, AccountRecord>;
  /** Queued scenario runs; the first is the current one. */
  scenarios: RunSnapshot[];
  /** Finished scenario runs, newest last. */
  history: RunSnapshot[];
  /** Newest last. */
  sessions: SessionSummary[];
}

export interface StateFile {
  format: typeof STATE_FORMAT;
  devices: Record<string, DeviceRecord>;
  pushes: PushEvent[];
}

export class DeviceStore {
  private state: StateFile;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private counter = 0;

  private constructor(
    readonly path: string | undefined,
    state: StateFile,
  ) {
    this.state = state;
  }

  static memory(): DeviceStore {
    return new DeviceStore(undefined, { format: STATE_FORMAT, devices: {}, pushes: [] });
  }

  /** Opens (or creates on first write) the state file. A file that is not ours is an error, never overwritten. */
  static async open(path: string | undefined): Promise<DeviceStore> {
    if (path === undefined) return DeviceStore.memory();
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return new DeviceStore(path, { format: STATE_FORMAT, devices: {}, pushes: [] });
      }
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(
        'state-file-corrupt',
        path,
        `${path} is not JSON (${(error as Error).message}); move it away or choose another --state file`,
      );
    }
    const s = json as Partial<StateFile>;
    if (
      typeof json !== 'object' ||
      json === null ||
      s.format !== STATE_FORMAT ||
      typeof s.devices !== 'object'
    ) {
      throw new StateFileError(
        'state-file-corrupt',
        path,
        `${path} is not a DM server state file (format "${STATE_FORMAT}"); choose another --state file`,
      );
    }
    return new DeviceStore(path, { format: STATE_FORMAT, devices: s.devices ?? {}, pushes: s.pushes ?? [] });
  }

  get(devId: string): DeviceRecord | undefined {
    return this.state.devices[devId];
  }

  all(): DeviceRecord[] {
    return Object.values(this.state.devices);
  }

  /** The record for a device, created when missing. */
  ensure(devId: string, registered: DeviceRecord['registered'], now: number): DeviceRecord {
    let rec = this.state.devices[devId];
    if (!rec) {
      rec = {
        devId,
        registered,
        firstSeen: now,
        devInfo: {},
        accounts: {},
        scenarios: [],
        history: [],
        sessions: [],
      };
      this.state.devices[devId] = rec;
      this.changed();
    }
    return rec;
  }

  remove(devId: string): boolean {
    if (!(devId in this.state.devices)) return false;
    delete this.state.devices[devId];
    this.changed();
    return true;
  }

  addSession(rec: DeviceRecord, summary: SessionSummary): void {
    rec.sessions.push(summary);
    if (rec.sessions.length > MAX_SESSIONS_PER_DEVICE)
      rec.sessions.splice(0, rec.sessions.length - MAX_SESSIONS_PER_DEVICE);
    this.changed();
  }

  archiveRun(rec: DeviceRecord, run: RunSnapshot): void {
    rec.history.push(run);
    if (rec.history.length > MAX_HISTORY) rec.history.splice(0, rec.history.length - MAX_HISTORY);
    this.changed();
  }

  addPush(event: PushEvent): void {
    this.state.pushes.push(event);
    if (this.state.pushes.length > MAX_PUSHES)
      this.state.pushes.splice(0, this.state.pushes.length - MAX_PUSHES);
    this.changed();
  }

  pushes(devId?: string): PushEvent[] {
    return devId === undefined ? this.state.pushes : this.state.pushes.filter((p) => p.devId === devId);
  }

  /** Schedule a write of the whole state (coalesced, serialised). */
  changed(): void {
    if (this.path === undefined) return;
    this.dirty = true;
    if (!this.writing) this.writing = this.writeLoop();
  }

  /** Resolves when everything changed so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.writeOnce();
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async writeOnce(): Promise<void> {
    const path = this.path as string;
    await mkdir(dirname(path), { recursive: true });
    this.counter += 1;
    const tmp = `${path}.${process.pid}.${this.counter}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.state, null, 1)}\n`, 'utf8');
    await rename(tmp, path);
  }
}
