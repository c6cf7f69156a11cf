import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadIdentity, openHandsetDb, SCHEMA_VERSION } from '../../../src/adapters/db.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';

describe('IndexedDB migration 2 (nodes store)', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    globalThis.IDBKeyRange = IDBKeyRange;
  });

  it('a v1 database with an identity opens at the current version with the identity kept and a nodes store', async () => {
    const v1 = await openHandsetDb('handset', 1);
    expect([...v1.objectStoreNames]).toEqual(['device']);
    await v1.put('device', { ...DEFAULT_IDENTITY, name: 'Survivor' }, 'identity');
    v1.close();
    const current = await openHandsetDb('handset');
    expect(current.version).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    expect([...current.objectStoreNames]).toEqual(expect.arrayContaining(['device', 'nodes']));
    expect((await loadIdentity(current))?.name).toBe('Survivor');
    expect(current.transaction('nodes').store.keyPath).toBe('uri');
    current.close();
  });

  it('migration 2 alone adds exactly the nodes store', async () => {
    const v1 = await openHandsetDb('handset', 1);
    v1.close();
    const v2 = await openHandsetDb('handset', 2);
    expect([...v2.objectStoreNames].sort()).toEqual(['device', 'nodes']);
    v2.close();
  });
});
