/**
 * The registry of emulated handsets (device profiles) and their named snapshots, in its own
 * small IndexedDB database `ota-handset-profiles`. It is versioned separately from the handset
 * databases and never migrated together with device data: each profile's data lives in its
 * own handset database (`ota-handset` for the first one, so existing users keep their data;
 * `ota-handset-<id>` for the others), with the handset schema and migrations of db.ts.
 * See docs/decisions/0137-device-profiles.md.
 */
import { deleteDB, openDB, type IDBPDatabase } from 'idb';

export const PROFILES_DB_NAME = 'ota-handset-profiles';
/** The first profile, created over the database that existed before profiles. */
export const DEFAULT_PROFILE_ID = 'default';

export interface ProfileRecord {
  id: string;
  /** What the tester calls this handset ("MMS handset"); shown next to the phone. */
  name: string;
  /** The handset database holding its data. */
  dbName: string;
  /** Milliseconds since the epoch. */
  created: number;
}

export interface SnapshotRecord {
  id: string;
  profileId: string;
  name: string;
  created: number;
  /** The device as a state document (text), exactly as an export would write it. */
  document: string;
  /** For the list, without parsing the document. */
  nodeCount: number;
  inboxCount: number;
  traceCount: number;
}

export interface ProfilesDbSchema {
  profiles: { key: string; value: ProfileRecord };
  /** `current`: the id of the profile shown. */
  meta: { key: string; value: string };
  snapshots: { key: string; value: SnapshotRecord; indexes: { profileId: string } };
}

export type ProfilesDb = IDBPDatabase<ProfilesDbSchema>;

/** Migration i upgrades version i to i+1; never edit a released one (as in db.ts). */
const migrations: ((db: ProfilesDb) => void)[] = [
  (db) => {
    db.createObjectStore('profiles', { keyPath: 'id' });
    db.createObjectStore('meta');
    db.createObjectStore('snapshots', { keyPath: 'id' }).createIndex('profileId', 'profileId');
  },
];

export const PROFILES_SCHEMA_VERSION = migrations.length;

export async function openProfilesDb(name: string = PROFILES_DB_NAME): Promise<ProfilesDb> {
  const db = await openDB<ProfilesDbSchema>(name, PROFILES_SCHEMA_VERSION, {
    upgrade(upgrading, oldVersion) {
      for (let v = oldVersion; v < PROFILES_SCHEMA_VERSION; v++) migrations[v]!(upgrading);
    },
    blocking() {
      db.close();
    },
  });
  return db;
}

/** The handset database name of a profile created now. */
export function handsetDbNameFor(profileId: string): string {
  return `ota-handset-${profileId}`;
}

/** Typed reads and writes of the registry. */
export class ProfileRegistry {
  constructor(private readonly db: ProfilesDb) {}

  /** Oldest first, the order the tester created them in. */
  async list(): Promise<ProfileRecord[]> {
    const all = await this.db.getAll('profiles');
    return all.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  }

  async put(profile: ProfileRecord): Promise<void> {
    await this.db.put('profiles', profile);
  }

  /** Removes the profile and its snapshots in one transaction. */
  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['profiles', 'snapshots'], 'readwrite');
    const snapshots = tx.objectStore('snapshots');
    const ids = await snapshots.index('profileId').getAllKeys(id);
    await Promise.all([
      tx.objectStore('profiles').delete(id),
      ...ids.map((key) => snapshots.delete(key)),
      tx.done,
    ]);
  }

  async currentId(): Promise<string | undefined> {
    return this.db.get('meta', 'current');
  }

  async setCurrent(id: string): Promise<void> {
    await this.db.put('meta', id, 'current');
  }

  /** A profile's snapshots, newest first. */
  async snapshots(profileId: string): Promise<SnapshotRecord[]> {
    const all = await this.db.getAllFromIndex('snapshots', 'profileId', profileId);
    return all.sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
  }

  async snapshot(id: string): Promise<SnapshotRecord | undefined> {
    return this.db.get('snapshots', id);
  }

  async putSnapshot(snapshot: SnapshotRecord): Promise<void> {
    await this.db.put('snapshots', snapshot);
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.db.delete('snapshots', id);
  }

  close(): void {
    this.db.close();
  }
}

/** Deletes a profile's handset database; open connections are asked to close (db.ts `blocking`). */
export async function deleteHandsetDb(name: string): Promise<void> {
  await deleteDB(name);
}
