import { IDBFactory } from 'fake-indexeddb';
import { openHandsetDb } from '../../../src/adapters/db.ts';
import { IdbTraceStore } from '../../../src/adapters/idb-trace-store.ts';
import { describeTraceStore } from '../../shared/trace-store.suite.ts';

describeTraceStore('IndexedDB (fake-indexeddb)', async (limit) => {
  globalThis.indexedDB = new IDBFactory();
  return new IdbTraceStore(await openHandsetDb(`traces-${Math.random()}`), limit);
});
