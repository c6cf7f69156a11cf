import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadIdentityAndNodes, openHandsetDb, saveIdentity } from '../../../src/adapters/db.ts';
import { IdbTreeStore } from '../../../src/adapters/idb-tree-store.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { createFactoryTree } from '../../../src/core/tree/factory.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('start-up read (decision 0171)', () => {
  it('reads the identity and every node in one transaction; nothing on a new database', async () => {
    const db = await openHandsetDb('h12-start');
    expect(await loadIdentityAndNodes(db)).toEqual({ identity: undefined, nodes: [] });
    const nodes = createFactoryTree(DEFAULT_IDENTITY, 0);
    await saveIdentity(db, DEFAULT_IDENTITY);
    await new IdbTreeStore(db).replaceAll(nodes);
    const read = await loadIdentityAndNodes(db);
    expect(read.identity).toEqual(DEFAULT_IDENTITY);
    expect(read.nodes.map((n) => n.uri).sort()).toEqual(nodes.map((n) => n.uri).sort());
    db.close();
  });

  it('IdbTreeStore hands out the preloaded nodes once, then reads storage', async () => {
    const db = await openHandsetDb('h12-preload');
    const stored = createFactoryTree(DEFAULT_IDENTITY, 0);
    await new IdbTreeStore(db).replaceAll(stored);
    const preloaded = stored.slice(0, 3);
    const store = new IdbTreeStore(db, preloaded);
    expect(await store.load()).toBe(preloaded);
    expect((await store.load()).length).toBe(stored.length);
    db.close();
  });
});
