/** Storage suites run in real Chromium IndexedDB (test/e2e/storage.e2e.ts). */
import { runRegisteredTests } from './vitest-shim.ts';
import { describeDbMigrations } from '../shared/db-migrations.suite.ts';

const deleteDb = (name: string) =>
  new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => resolve();
  });

describeDbMigrations(deleteDb);

export const run = runRegisteredTests;
