import { describe, expect, it } from 'vitest';
import type { InboxRecord, InboxStore } from '../../src/core/cp/inbox.ts';

function record(id: string, receivedAt: number, extra: Partial<InboxRecord> = {}): InboxRecord {
  return {
    id,
    receivedAt,
    source: 'paste',
    raw: new Uint8Array([0x03, 0x0b, 0x6a, 0x00, 0xc5]),
    rawIsText: false,
    kind: 'cp',
    pinAttempts: 0,
    status: 'received',
    warnings: [],
    ...extra,
  };
}

/** The contract of every InboxStore (memory, fake IndexedDB in Node, real IndexedDB in Chromium). */
export function describeInboxStore(name: string, makeStore: () => Promise<InboxStore>): void {
  describe(`InboxStore: ${name}`, () => {
    it('keeps a record byte-exact, with its raw bytes as a Uint8Array', async () => {
      const store = await makeStore();
      await store.put(record('m1', 1000, { sec: 1, mac: 'E29BF3FF98F0287675E404F7668DB0B2DC8F8F08' }));
      const back = await store.get('m1');
      expect(back?.raw).toBeInstanceOf(Uint8Array);
      expect([...back!.raw]).toEqual([0x03, 0x0b, 0x6a, 0x00, 0xc5]);
      expect(back?.mac).toBe('E29BF3FF98F0287675E404F7668DB0B2DC8F8F08');
      expect(await store.get('missing')).toBeUndefined();
    });

    it('lists newest first and replaces a record with the same id', async () => {
      const store = await makeStore();
      await store.put(record('old', 1000));
      await store.put(record('new', 3000));
      await store.put(record('middle', 2000));
      expect((await store.list()).map((r) => r.id)).toEqual(['new', 'middle', 'old']);
      await store.put(record('old', 1000, { status: 'applied', pinAttempts: 2 }));
      const replaced = await store.get('old');
      expect(replaced?.status).toBe('applied');
      expect(replaced?.pinAttempts).toBe(2);
      expect(await store.list()).toHaveLength(3);
    });

    it('deletes, and a returned record is a copy', async () => {
      const store = await makeStore();
      await store.put(record('a', 1));
      const copy = await store.get('a');
      copy!.status = 'rejected';
      expect((await store.get('a'))?.status).toBe('received');
      await store.delete('a');
      expect(await store.list()).toEqual([]);
    });
  });
}
