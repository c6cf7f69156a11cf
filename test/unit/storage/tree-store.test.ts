import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { describeTreeStore, idbTreeStoreFixture } from './tree-store.suite.ts';

describeTreeStore('memory', async () => {
  const store = new MemoryTreeStore();
  return { store, reopen: async () => store, close: async () => undefined };
});

describeTreeStore('IndexedDB (fake-indexeddb)', async () => {
  globalThis.indexedDB = new IDBFactory();
  globalThis.IDBKeyRange = IDBKeyRange;
  return idbTreeStoreFixture();
});
