/** Storage suites run in real Chromium IndexedDB (test/e2e/storage.e2e.ts). */
import { runRegisteredTests } from './vitest-shim.ts';
import { openHandsetDb } from '../../src/adapters/db.ts';
import { IdbInboxStore } from '../../src/adapters/idb-inbox-store.ts';
import { IdbTraceStore } from '../../src/adapters/idb-trace-store.ts';
import { describeTreeStore, idbTreeStoreFixture } from '../unit/storage/tree-store.suite.ts';
import { describeDbMigrations } from '../shared/db-migrations.suite.ts';
import { describeInboxStore } from '../shared/inbox-store.suite.ts';
import { describeTraceStore } from '../shared/trace-store.suite.ts';

const deleteDb = (name: string) =>
  new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => resolve();
  });

describeDbMigrations(deleteDb);
describeInboxStore(
  'IndexedDB (Chromium)',
  async () => new IdbInboxStore(await openHandsetDb(`inbox-${Math.random()}`)),
);

describeTraceStore(
  'IndexedDB (Chromium)',
  async (limit) => new IdbTraceStore(await openHandsetDb(`traces-${Math.random()}`), limit),
);

describeTreeStore('IndexedDB (Chromium)', idbTreeStoreFixture);

export const run = runRegisteredTests;
