import { IDBFactory } from 'fake-indexeddb';
import { MemoryInboxStore } from '../../../src/core/cp/inbox.ts';
import { openHandsetDb } from '../../../src/adapters/db.ts';
import { IdbInboxStore } from '../../../src/adapters/idb-inbox-store.ts';
import { describeInboxStore } from '../../shared/inbox-store.suite.ts';

describeInboxStore('memory', async () => new MemoryInboxStore());
describeInboxStore('IndexedDB (fake-indexeddb)', async () => {
  globalThis.indexedDB = new IDBFactory();
  return new IdbInboxStore(await openHandsetDb(`inbox-${Math.random()}`));
});
