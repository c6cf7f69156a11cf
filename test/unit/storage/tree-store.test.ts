import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { IdbTreeStore } from '../../../src/adapters/idb-tree-store.ts';
import { openHandsetDb } from '../../../src/adapters/db.ts';
import { describeTreeStore } from './tree-store.suite.ts';

describeTreeStore('memory', async () => {
  const store = new MemoryTreeStore();
  return { store, reopen: async () => store, close: async () => undefined };
});

describeTreeStore('IndexedDB (fake-indexeddb)', async () => {
  globalThis.indexedDB = new IDBFactory();
  globalThis.IDBKeyRange = IDBKeyRange;
  const name = `tree-${Math.random()}`;
  let db = await openHandsetDb(name);
  return {
    store: new IdbTreeStore(db),
    reopen: async () => {
      db.close();
      db = await openHandsetDb(name);
      return new IdbTreeStore(db);
    },
    close: async () => db.close(),
  };
});
