import {
  DEFAULT_DB_NAME,
  saveIdentity,
  SCHEMA_VERSION,
  startHandsetRead,
  START_UP_MARKS,
  type HandsetDb,
  type HandsetRead,
} from '../adapters/db.ts';
import { IdbTreeStore } from '../adapters/idb-tree-store.ts';
import { systemClock } from '../adapters/system-clock.ts';
import { assertValidIdentity, type DeviceIdentity } from '../core/device/identity.ts';
import { ManagementTree } from '../core/tree/tree.ts';
import type { NodeRecord } from '../core/tree/types.ts';

/** What the status bar says the handset is doing. Later capabilities set it. */
export type DeviceActivity =
  'idle' | 'connecting' | 'in-session' | 'waiting-for-you' | 'notification-pending';

export const activityLabels: Record<DeviceActivity, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  'in-session': 'Session active',
  'waiting-for-you': 'Waiting for you',
  'notification-pending': 'Notification pending',
};

/** The handset's identity, storage and management tree, loaded once at start-up. */
export class DeviceState {
  identity = $state<DeviceIdentity | null>(null);
  /** The DM management tree; opened once the identity exists (the factory tree is built from it). */
  tree = $state.raw<ManagementTree | null>(null);
  loading = $state(true);
  /** A problem opening or writing storage, shown to the user instead of a blank screen. */
  storageError = $state<string | null>(null);
  activity = $state<DeviceActivity>('idle');
  readonly schemaVersion = SCHEMA_VERSION;
  /** The handset database of the profile shown (set by AppState before load). */
  dbName = DEFAULT_DB_NAME;
  #db: HandsetDb | null = null;
  #closed = false;
  #settleOpened: () => void = () => {};
  readonly #opened = new Promise<void>((resolve) => (this.#settleOpened = resolve));

  /** The open database, for the other stores that live in it (inbox, traces). */
  get db(): HandsetDb | null {
    return this.#db;
  }

  /**
   * Settles once load() has opened the database (or failed to, or the handset was closed), so
   * stores read alongside the tree (preferences) can use `db` without opening it again.
   */
  get opened(): Promise<void> {
    return this.#opened;
  }

  /** Opens the database and the tree; `read` is one already under way (started at boot). */
  async load(read: HandsetRead = startHandsetRead(this.dbName)): Promise<void> {
    try {
      const db = await read.db;
      // Closed while opening (the tester switched handsets): let go of it at once.
      if (this.#closed) return db.close();
      this.#db = db;
      this.#settleOpened();
      const { identity, nodes } = await read.contents;
      this.identity = identity ?? null;
      if (identity) {
        await this.#openTree(identity, nodes);
        performance.mark(START_UP_MARKS.treeOpen);
      }
    } catch (error) {
      this.storageError = `The handset's storage could not be opened: ${(error as Error).message}. Private browsing or a full disk can cause this.`;
    } finally {
      this.#settleOpened();
      this.loading = false;
    }
  }

  /** Validates and stores the identity; the UI validates per field before calling this. */
  async saveIdentity(identity: DeviceIdentity): Promise<void> {
    const valid = assertValidIdentity({ ...identity });
    if (!this.#db) throw new Error('storage is not open');
    await saveIdentity(this.#db, valid);
    if (this.tree) await this.tree.applyIdentity(valid);
    else await this.#openTree(valid);
    this.identity = valid;
  }

  /** Lets go of the database (the handset is being switched away or rewritten as a whole). */
  close(): void {
    this.#closed = true;
    this.#settleOpened();
    this.#db?.close();
    this.#db = null;
  }

  async #openTree(identity: DeviceIdentity, nodes?: NodeRecord[]): Promise<void> {
    if (!this.#db) return;
    this.tree = await ManagementTree.openWithFactory(
      new IdbTreeStore(this.#db, nodes),
      systemClock,
      identity,
    );
  }
}
