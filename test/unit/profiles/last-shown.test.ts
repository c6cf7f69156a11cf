import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { openHandsetDb, type HandsetDb } from '../../../src/adapters/db.ts';
import {
  LAST_SHOWN_KEY,
  lastShownProfileIn,
  type LastShownProfile,
} from '../../../src/adapters/last-shown-profile.ts';
import type { ProfileRecord } from '../../../src/adapters/profiles-db.ts';
import { ProfileManager, type HandsetApp } from '../../../src/state/profile-manager.ts';
import { T0 } from './fixtures.ts';

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

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

let ids = 0;
function manager(lastShown: LastShownProfile) {
  return new ProfileManager<FakeApp>({
    createApp: (profile) => new FakeApp(profile),
    clock: { now: () => T0 },
    newId: () => `id${++ids}`,
    lastShown,
  });
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('start-up from the profile shown last (decision 0171)', () => {
  it('starts the remembered handset before the registry is read and keeps it when the registry agrees', async () => {
    const storage = memoryStorage();
    const first = manager(lastShownProfileIn(storage));
    await first.load();
    const created = await first.create('PoC handset');
    await first.dispose();
    expect(JSON.parse(storage.items.get(LAST_SHOWN_KEY)!)).toMatchObject({ id: created.id });

    const m = manager(lastShownProfileIn(storage));
    const loading = m.load();
    // Synchronously, before the registry database has even opened.
    const early = m.app;
    expect(early?.profile.id).toBe(created.id);
    await loading;
    expect(m.app).toBe(early);
    expect(early?.disposed).toBe(false);
    expect(m.current).toEqual(created);
    expect(m.profiles.map((p) => p.id)).toEqual(['default', created.id]);
  });

  it('takes the name from the registry when the memory is stale', async () => {
    const storage = memoryStorage();
    const first = manager(lastShownProfileIn(storage));
    await first.load();
    const created = await first.create('Old name');
    await first.dispose();
    storage.setItem(LAST_SHOWN_KEY, JSON.stringify({ ...created, name: 'Stale' }));
    const m = manager(lastShownProfileIn(storage));
    await m.load();
    expect(m.current?.name).toBe('Old name');
    expect(lastShownProfileIn(storage).read()?.name).toBe('Old name');
  });

  it('lets the registry win when the memory names another handset', async () => {
    const storage = memoryStorage();
    const first = manager(lastShownProfileIn(storage));
    await first.load();
    const other = await first.create('Other');
    await first.switchTo('default');
    await first.dispose();
    // Another tab showed `other` last, but this registry says `default` is current.
    storage.setItem(LAST_SHOWN_KEY, JSON.stringify(other));
    const m = manager(lastShownProfileIn(storage));
    const loading = m.load();
    const early = m.app!;
    await loading;
    expect(early.profile.id).toBe(other.id);
    expect(early.disposed).toBe(true);
    expect(m.current?.id).toBe('default');
    expect(m.app?.profile.id).toBe('default');
    expect(lastShownProfileIn(storage).read()?.id).toBe('default');
  });

  it('deletes the empty database it recreated for a handset deleted elsewhere', async () => {
    const storage = memoryStorage();
    const gone: ProfileRecord = { id: 'gone', name: 'Gone', dbName: 'ota-handset-gone', created: T0 };
    storage.setItem(LAST_SHOWN_KEY, JSON.stringify(gone));
    const m = manager(lastShownProfileIn(storage));
    await m.load();
    expect(m.current?.id).toBe('default');
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain('ota-handset-gone');
    expect(names).toContain('ota-handset');
  });
});

describe('lastShownProfileIn', () => {
  it('reads nothing from a missing, malformed or foreign entry, and survives a storage that throws', () => {
    const storage = memoryStorage();
    const memory = lastShownProfileIn(storage);
    expect(memory.read()).toBeNull();
    storage.setItem(LAST_SHOWN_KEY, '{not json');
    expect(memory.read()).toBeNull();
    storage.setItem(LAST_SHOWN_KEY, JSON.stringify({ id: 'x', name: 'x', dbName: 'other-db', created: 1 }));
    expect(memory.read()).toBeNull();
    const record = { id: 'x', name: 'X', dbName: 'ota-handset-x', created: 1 };
    memory.write({ ...record, extra: true } as ProfileRecord);
    expect(memory.read()).toEqual(record);
    const full = lastShownProfileIn({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    expect(() => full.write(record)).not.toThrow();
  });
});
