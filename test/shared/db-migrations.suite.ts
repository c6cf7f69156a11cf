import { afterEach, describe, expect, it } from 'vitest';
import { migrations, openHandsetDb, SCHEMA_VERSION, loadIdentity } from '../../src/adapters/db.ts';
import { DEFAULT_IDENTITY } from '../../src/core/device/identity.ts';

/**
 * The IndexedDB schema migrates from every older version without losing data. Runs in Node
 * (fake-indexeddb) and in Chromium (real IndexedDB); `deleteDb` removes a test database.
 */
export function describeDbMigrations(deleteDb: (name: string) => Promise<void>): void {
  describe('IndexedDB schema migrations', () => {
    const names: string[] = [];
    afterEach(async () => {
      for (const name of names.splice(0)) await deleteDb(name);
    });

    it('has one migration per version and creates every store of the current schema', async () => {
      expect(SCHEMA_VERSION).toBe(migrations.length);
      const name = `fresh-${Math.random()}`;
      names.push(name);
      const db = await openHandsetDb(name);
      expect(db.version).toBe(SCHEMA_VERSION);
      expect([...db.objectStoreNames]).toContain('device');
      db.close();
    });

    it('keeps the identity written at version 1 through every later migration', async () => {
      expect(SCHEMA_VERSION, 'there is at least one upgrade to test').toBeGreaterThan(1);
      for (let target = 2; target <= SCHEMA_VERSION; target++) {
        const name = `migrate-1-to-${target}-${Math.random()}`;
        names.push(name);
        const old = await openHandsetDb(name, 1);
        await old.put('device', { ...DEFAULT_IDENTITY, name: 'Kept across upgrades' }, 'identity');
        old.close();
        const upgraded = await openHandsetDb(name, target);
        expect(upgraded.version).toBe(target);
        expect((await loadIdentity(upgraded))?.name).toBe('Kept across upgrades');
        if (target >= 2) expect([...upgraded.objectStoreNames]).toContain('nodes');
        if (target >= 3) expect([...upgraded.objectStoreNames]).toContain('inbox');
        if (target >= 4)
          expect([...upgraded.objectStoreNames]).toEqual(
            expect.arrayContaining(['traces', 'traceSummaries']),
          );
        upgraded.close();
      }
    });

    it('v4 adds the trace stores to a v3 database and keeps its tree and inbox', async () => {
      const name = `migrate-3-to-4-${Math.random()}`;
      names.push(name);
      const v3 = await openHandsetDb(name, 3);
      await v3.put('device', { ...DEFAULT_IDENTITY, name: 'v3 handset' }, 'identity');
      await v3.put('nodes', {
        uri: './DevInfo/DevId',
        format: 'chr',
        value: 'IMEI:490154203237518',
      } as never);
      await v3.put('inbox', { id: 'message-1', receivedAt: 5, status: 'applied' } as never);
      v3.close();
      const v4 = await openHandsetDb(name, 4);
      expect((await loadIdentity(v4))?.name).toBe('v3 handset');
      expect((await v4.get('nodes', './DevInfo/DevId'))?.value).toBe('IMEI:490154203237518');
      expect((await v4.get('inbox', 'message-1'))?.status).toBe('applied');
      expect(await v4.count('traces')).toBe(0);
      expect(v4.transaction('traces').store.indexNames.contains('started')).toBe(true);
      expect(v4.transaction('traceSummaries').store.indexNames.contains('started')).toBe(true);
      v4.close();
    });
  });
}
