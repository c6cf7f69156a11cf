// Node has no IndexedDB: install fake-indexeddb's globals (IDBRequest, IDBKeyRange …) for every unit test.
// Tests that need isolation still set `globalThis.indexedDB = new IDBFactory()` per test.
import 'fake-indexeddb/auto';
