import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_DB_NAME,
  openHandsetDb,
  saveIdentity,
  withHandsetDb,
  type HandsetDb,
} from '../../../src/adapters/db.ts';
import { readDeviceStateFromDb, writeDeviceStateToDb } from '../../../src/adapters/device-state-idb.ts';
import type { ProfileRecord } from '../../../src/adapters/profiles-db.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { parseDeviceState } from '../../../src/core/device/state-document.ts';
import { createFactoryTree } from '../../../src/core/tree/factory.ts';
import { ProfileManager, type HandsetApp } from '../../../src/state/profile-manager.ts';
import { byUri, OTHER_IDENTITY, sampleState, T0 } from './fixtures.ts';

/** Stands in for AppState: holds a connection to its handset database while started. */
class FakeApp implements HandsetApp {
  db: HandsetDb | null = null;
  disposed = false;
  constructor(readonly profile: ProfileRecord) {}
  async start() {
    this.db = await openHandsetDb(this.profile.dbName);
  }
  dispose() {
    this.disposed = true;
    this.db?.close();
  }
}

let ids = 0;
function manager() {
  return new ProfileManager<FakeApp>({
    createApp: (profile) => new FakeApp(profile),
    clock: { now: () => T0 },
    newId: () => `id${++ids}`,
  });
}

function stateOf(dbName: string) {
  return withHandsetDb(dbName, readDeviceStateFromDb);
}

function seed(dbName: string, state = sampleState()) {
  return withHandsetDb(dbName, (db) => writeDeviceStateToDb(db, state));
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('profile registry', () => {
  it('adopts the existing ota-handset database as the first profile, named after its handset', async () => {
    const db = await openHandsetDb(DEFAULT_DB_NAME);
    await saveIdentity(db, { ...DEFAULT_IDENTITY, name: 'Old phone' });
    db.close();
    const m = manager();
    await m.load();
    expect(m.profiles).toEqual([{ id: 'default', name: 'Old phone', dbName: DEFAULT_DB_NAME, created: T0 }]);
    expect(m.current?.id).toBe('default');
    expect(m.app?.db?.name).toBe(DEFAULT_DB_NAME);
  });

  it('creates, switches (tearing the shown handset down), renames and remembers the current one', async () => {
    const m = manager();
    await m.load();
    const first = m.app!;
    const created = await m.create('  PoC   handset ');
    expect(created.name).toBe('PoC handset');
    expect(created.dbName).toBe(`ota-handset-${created.id}`);
    expect(first.disposed).toBe(true);
    expect(m.app?.profile.id).toBe(created.id);
    await m.rename(created.id, 'PoC demo');
    expect(m.current?.name).toBe('PoC demo');
    await m.rename(created.id, '   ');
    expect(m.current?.name).toBe('PoC demo');
    await m.switchTo('default');
    await m.dispose();

    const again = manager();
    await again.load();
    expect(again.current?.id).toBe('default');
    expect(again.profiles.map((p) => p.name)).toEqual(['Handset 1', 'PoC demo']);
  });

  it('keeps each handset isolated', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const other = await m.create('Other');
    await seed(other.dbName, { ...sampleState(OTHER_IDENTITY), inbox: [], traces: [] });
    expect((await stateOf(DEFAULT_DB_NAME))?.inbox).toHaveLength(2);
    expect((await stateOf(other.dbName))?.identity.imei).toBe(OTHER_IDENTITY.imei);
    expect((await stateOf(other.dbName))?.inbox).toEqual([]);
  });

  it('duplicates every record into a new database', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const copy = await m.duplicate('default');
    expect(copy.name).toBe('Handset 1 (copy)');
    expect(m.current?.id).toBe('default');
    expect(await stateOf(copy.dbName)).toEqual(await stateOf(DEFAULT_DB_NAME));
  });

  it('deletes a handset with its database and snapshots, never the last one', async () => {
    const m = manager();
    await m.load();
    await expect(m.remove('default')).rejects.toMatchObject({ code: 'profile-last' });
    const other = await m.create('Other');
    await seed(other.dbName);
    await m.takeSnapshot('before');
    await m.remove(other.id);
    expect(m.current?.id).toBe('default');
    expect(m.profiles.map((p) => p.id)).toEqual(['default']);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(other.dbName);
    expect(names).toContain(DEFAULT_DB_NAME);
  });
});

describe('whole-device export and import', () => {
  it('export, import into a fresh profile, export again: identical', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const exported = (await m.exportCurrent())!;
    const imported = await m.importAsNew(parseDeviceState(exported));
    expect(m.current?.id).toBe(imported.id);
    expect(imported.name).toBe(DEFAULT_IDENTITY.name);
    expect(await m.exportCurrent()).toBe(exported);
    expect(await stateOf(imported.dbName)).toEqual(sampleState());
  });

  it('imports into the shown handset, replacing every section, and restarts its live state', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const before = m.app!;
    const incoming = { ...sampleState(OTHER_IDENTITY), inbox: [], settings: {} };
    await m.importIntoCurrent(incoming);
    expect(before.disposed).toBe(true);
    expect(m.app).not.toBe(before);
    expect(await stateOf(DEFAULT_DB_NAME)).toEqual(incoming);
  });

  it('a corrupt or newer file is refused before anything is written', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const before = await m.exportCurrent();
    const app = m.app;
    for (const text of [
      '{"format":"ota-handset-device-state","version":99}',
      '{"format":',
      before!.replace('"imei": "4', '"imei": "x'),
    ]) {
      expect(() => parseDeviceState(text)).toThrow();
    }
    expect(m.app).toBe(app);
    expect(await m.exportCurrent()).toBe(before);
  });

  it('a write that fails half-way leaves the database as it was (one transaction)', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const before = await stateOf(DEFAULT_DB_NAME);
    // A function cannot be stored (DataCloneError) and it comes after the tree and inbox writes.
    const bad = { ...sampleState(OTHER_IDENTITY), settings: { zzz: () => 1 } };
    await expect(m.importIntoCurrent(bad)).rejects.toThrow();
    expect(await stateOf(DEFAULT_DB_NAME)).toEqual(before);
    expect(m.app?.db).not.toBeNull();
  });
});

describe('snapshots and factory reset', () => {
  it('takes, restores and deletes named snapshots', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const snap = await m.takeSnapshot('Before campaign');
    expect(snap).toMatchObject({
      name: 'Before campaign',
      nodeCount: sampleState().nodes.length,
      inboxCount: 2,
      traceCount: 1,
    });
    await seed(DEFAULT_DB_NAME, { ...sampleState(), inbox: [], traces: [] });
    await m.restoreSnapshot(snap.id);
    expect(await stateOf(DEFAULT_DB_NAME)).toEqual(sampleState());
    expect(m.snapshots.map((s) => s.name)).toEqual(['Before campaign']);
    await m.deleteSnapshot(snap.id);
    expect(m.snapshots).toEqual([]);
    await expect(m.restoreSnapshot(snap.id)).rejects.toMatchObject({ code: 'snapshot-unknown' });
  });

  it('snapshots belong to their handset', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME);
    const snap = await m.takeSnapshot('mine');
    await m.create('Other');
    expect(m.snapshots).toEqual([]);
    await expect(m.restoreSnapshot(snap.id)).rejects.toMatchObject({ code: 'snapshot-unknown' });
    await expect(m.takeSnapshot('empty')).rejects.toMatchObject({ code: 'profile-not-set-up' });
  });

  it('factory reset keeps the identity and clears everything else', async () => {
    const m = manager();
    await m.load();
    await seed(DEFAULT_DB_NAME, sampleState(OTHER_IDENTITY));
    await m.factoryReset();
    expect(await stateOf(DEFAULT_DB_NAME)).toEqual({
      identity: OTHER_IDENTITY,
      nodes: byUri(createFactoryTree(OTHER_IDENTITY, T0)),
      inbox: [],
      traces: [],
      settings: {},
    });
  });
});
