import { IDBFactory } from 'fake-indexeddb';
import { beforeEach } from 'vitest';
import { describeDbMigrations } from '../../shared/db-migrations.suite.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describeDbMigrations(async (name) => {
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = () => resolve();
  });
});
