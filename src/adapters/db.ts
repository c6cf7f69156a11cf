import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { InboxRecord } from '../core/cp/inbox.ts';
import type { TraceRecord, TraceSummary } from './idb-trace-store.ts';
import type { DeviceIdentity } from '../core/device/identity.ts';
import type { NodeRecord } from '../core/tree/types.ts';

/**
 * The handset's IndexedDB database. The schema is versioned from day one: each entry of
 * `migrations` upgrades from version i to i+1, so any older database can be brought
 * up to date without losing data. Add a migration; never edit a released one.
 * Record schema changes in CHANGELOG.md.
 */
export interface HandsetDbSchema {
  /** Small key/value records: `identity`, device settings. */
  device: { key: string; value: unknown };
  /** The DM management tree, one record per node, keyed by canonical URI (`.`, `./DevInfo/DevId`). */
  nodes: { key: string; value: NodeRecord };
  /** The provisioning inbox: every CP / bootstrap message received, whatever happened to it. */
  inbox: { key: string; value: InboxRecord; indexes: { receivedAt: number } };
  /** DM session traces, whole (messages included), keyed by trace id. */
  traces: { key: string; value: TraceRecord; indexes: { started: number } };
  /** The same traces' summaries, so the Sessions list never reads message bodies. */
  traceSummaries: { key: string; value: TraceSummary; indexes: { started: number } };
}

export type HandsetDb = IDBPDatabase<HandsetDbSchema>;
type UpgradeTx = IDBPTransaction<HandsetDbSchema, StoreNames<HandsetDbSchema>[], 'versionchange'>;

export interface Migration {
  /** What the migration does, for the changelog and for errors. */
  description: string;
  run(db: IDBPDatabase<HandsetDbSchema>, tx: UpgradeTx): void;
}

export const migrations: Migration[] = [
  {
    description: 'v1: device store for the identity and settings',
    run(db) {
      db.createObjectStore('device');
    },
  },
  {
    description: 'v2: nodes store for the DM management tree (keyPath uri)',
    run(db) {
      db.createObjectStore('nodes', { keyPath: 'uri' });
    },
  },
  {
    description: 'v3: inbox store for received provisioning messages (keyPath id, index receivedAt)',
    run(db) {
      db.createObjectStore('inbox', { keyPath: 'id' }).createIndex('receivedAt', 'receivedAt');
    },
  },
  {
    description:
      'v4: traces store for DM session traces and traceSummaries for their list (keyPath id, index started)',
    run(db) {
      db.createObjectStore('traces', { keyPath: 'id' }).createIndex('started', 'started');
      db.createObjectStore('traceSummaries', { keyPath: 'id' }).createIndex('started', 'started');
    },
  },
];

export const SCHEMA_VERSION = migrations.length;

export const DEFAULT_DB_NAME = 'ota-handset';

/**
 * Opens (creating or upgrading) the database. `version` lets the migration test open an
 * older schema. Tests in Node install fake-indexeddb as `globalThis.indexedDB` first.
 */
export async function openHandsetDb(
  name: string = DEFAULT_DB_NAME,
  version: number = SCHEMA_VERSION,
): Promise<HandsetDb> {
  const db = await openDB<HandsetDbSchema>(name, version, {
    upgrade(upgrading, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < (newVersion ?? version); v++) migrations[v]!.run(upgrading, tx);
    },
    blocking() {
      // Another tab wants a newer schema: let it upgrade rather than block it.
      db.close();
    },
  });
  return db;
}

/** Runs `body` on a connection of its own to handset database `name`, closed afterwards. */
export async function withHandsetDb<T>(name: string, body: (db: HandsetDb) => Promise<T>): Promise<T> {
  const db = await openHandsetDb(name);
  try {
    return await body(db);
  } finally {
    db.close();
  }
}

export async function loadIdentity(db: HandsetDb): Promise<DeviceIdentity | undefined> {
  return (await db.get('device', 'identity')) as DeviceIdentity | undefined;
}

export async function saveIdentity(db: HandsetDb, identity: DeviceIdentity): Promise<void> {
  await db.put('device', identity, 'identity');
}

/**
 * The identity and every tree node in ONE readonly transaction: start-up needs both before the
 * home screen, and a transaction each would queue the node read behind the identity's round trip.
 */
export async function loadIdentityAndNodes(
  db: HandsetDb,
): Promise<{ identity: DeviceIdentity | undefined; nodes: NodeRecord[] }> {
  const tx = db.transaction(['device', 'nodes'], 'readonly');
  const [identity, nodes] = await Promise.all([
    tx.objectStore('device').get('identity') as Promise<DeviceIdentity | undefined>,
    tx.objectStore('nodes').getAll(),
    tx.done,
  ]);
  return { identity, nodes };
}

/** User Timing marks of the handset's start-up: the storage read asked for, the tree open. */
export const START_UP_MARKS = {
  readStarted: 'ota-handset:storage-read-started',
  treeOpen: 'ota-handset:tree-open',
} as const;

/** A handset database being opened and read: the connection first, then the identity and tree. */
export interface HandsetRead {
  readonly dbName: string;
  readonly db: Promise<HandsetDb>;
  readonly contents: Promise<{ identity: DeviceIdentity | undefined; nodes: NodeRecord[] }>;
}

/**
 * Opens a handset database and asks for its identity and nodes as soon as it is open, without
 * waiting for the caller: the boot script starts this before the app's code is evaluated, so
 * IndexedDB reads the tree while the main thread compiles the UI (decision 0172).
 */
export function startHandsetRead(dbName: string = DEFAULT_DB_NAME): HandsetRead {
  // For DevTools' performance panel and the start-up benchmark (bench/tree-chromium.ts).
  performance.mark(START_UP_MARKS.readStarted);
  const db = openHandsetDb(dbName);
  const contents = db.then(loadIdentityAndNodes);
  // Whoever takes the read reports its failure; an abandoned read must not be an unhandled rejection.
  db.catch(() => undefined);
  contents.catch(() => undefined);
  return { dbName, db, contents };
}

/** Lets go of a read nobody took (the registry chose another handset). */
export function discardHandsetRead(read: HandsetRead): void {
  void read.db.then((db) => db.close()).catch(() => undefined);
}
