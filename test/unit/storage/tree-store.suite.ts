/**
 * One storage suite for every TreeStore: the memory store and IndexedDB (fake-indexeddb in Node,
 * real IndexedDB in Chromium). Keep it free of Node-only APIs; it uses only describe / it /
 * expect / afterEach so the browser shim (test/browser/vitest-shim.ts) can run it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { createFactoryTree } from '../../../src/core/tree/factory.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import type { TreeStore } from '../../../src/core/tree/store.ts';
import { openHandsetDb } from '../../../src/adapters/db.ts';
import { IdbTreeStore } from '../../../src/adapters/idb-tree-store.ts';
import { DEVICE, server, type NodeRecord, type TreeOp } from '../../../src/core/tree/types.ts';

export interface StoreFixture {
  store: TreeStore;
  /** The same storage opened afresh (IndexedDB: close and reopen the database). */
  reopen(): Promise<TreeStore>;
  close(): Promise<void>;
}

const clock = { now: () => Date.UTC(2024, 10, 21, 10, 42, 0) };

function record(uri: string, parent: string, seq: number, extra: Partial<NodeRecord> = {}): NodeRecord {
  return {
    uri,
    parent,
    name: uri === '.' ? '.' : uri.slice(uri.lastIndexOf('/') + 1),
    seq,
    format: 'chr',
    type: 'text/plain',
    value: `v${seq}`,
    acl: '',
    tstamp: '20241121T104200Z',
    verNo: 0,
    ...extra,
  };
}

const byUri = (a: NodeRecord, b: NodeRecord) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0);

/**
 * An IndexedDB-backed fixture on a fresh database (the caller installs the IndexedDB factory).
 * Node runs it on fake-indexeddb, test/browser/storage.entry.ts on Chromium's.
 */
export async function idbTreeStoreFixture(): Promise<StoreFixture> {
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
}

export function describeTreeStore(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`TreeStore: ${name}`, () => {
    const open: StoreFixture[] = [];
    const fixture = async () => {
      const f = await makeStore();
      open.push(f);
      return f;
    };
    afterEach(async () => {
      for (const f of open.splice(0)) await f.close();
    });

    it('starts empty and keeps what replaceAll wrote, across a reopen', async () => {
      const f = await fixture();
      expect(await f.store.load()).toEqual([]);
      const records = [
        record('.', '', 0, { format: 'node', value: undefined, acl: 'Add=*&Get=*' }),
        record('./MMS', '.', 1, { format: 'node', value: undefined }),
        record('./MMS/op', './MMS', 2, {
          format: 'node',
          value: undefined,
          flags: { active: true, locked: { by: server('srvA'), at: 1732185720000, origin: 'session 3' } },
        }),
        record('./MMS/op/Addr', './MMS/op', 3, { value: 'http://mmsc.example.net/mms' }),
      ];
      await f.store.replaceAll(records);
      const again = await f.reopen();
      expect((await again.load()).sort(byUri)).toEqual([...records].sort(byUri));
    });

    it('applies a commit (puts and removes) and keeps it across a reopen', async () => {
      const f = await fixture();
      await f.store.replaceAll([record('.', '', 0), record('./A', '.', 1), record('./B', '.', 2)]);
      await f.store.commit({
        put: [record('./C', '.', 3), record('./A', '.', 1, { value: 'new' })],
        remove: ['./B'],
      });
      const loaded = (await (await f.reopen()).load()).sort(byUri);
      expect(loaded.map((r) => [r.uri, r.value])).toEqual([
        ['.', 'v0'],
        ['./A', 'new'],
        ['./C', 'v3'],
      ]);
    });

    it('a commit that fails half-way leaves the stored records exactly as before', async () => {
      const f = await fixture();
      const before = [record('.', '', 0), record('./A', '.', 1)];
      await f.store.replaceAll(before);
      // A function cannot be structured-cloned: the second put fails after the first was queued.
      const bad = { ...record('./Bad', '.', 3), value: (() => 'x') as unknown as string };
      let failed = false;
      try {
        await f.store.commit({ put: [record('./Good', '.', 2), bad], remove: ['./A'] });
      } catch {
        failed = true;
      }
      expect(failed).toBe(true);
      expect((await (await f.reopen()).load()).sort(byUri)).toEqual([...before].sort(byUri));
    });

    it('the tree over this store: a batch survives a reopen; a failed Atomic writes nothing', async () => {
      const f = await fixture();
      const tree = await ManagementTree.openWithFactory(f.store, clock, DEFAULT_IDENTITY);
      const ok = await tree.batch(DEVICE, [
        { op: 'add', uri: './MMS/op/Addr', value: 'http://mmsc.example.net/mms' },
        { op: 'replace', uri: './MMS/op?prop=Active', value: 'true' },
      ]);
      expect(ok.status).toBe(200);
      const failed = await tree.batch(DEVICE, [
        { op: 'add', uri: './MMS/other/Addr', value: 'x' },
        { op: 'delete', uri: './DevInfo' },
      ]);
      expect(failed.status).toBe(507);
      const reopened = await ManagementTree.open(await f.reopen(), { clock });
      expect(reopened.snapshot()).toEqual(tree.snapshot());
      expect(reopened.get(DEVICE, './MMS/op/Addr').value).toBe('http://mmsc.example.net/mms');
      expect(reopened.get(DEVICE, './MMS/other').status).toBe(404);
      expect(reopened.effectiveInstance('./MMS')?.name).toBe('op');
    });

    it('a failing store commit leaves the tree and the store as before', async () => {
      const f = await fixture();
      const tree = await ManagementTree.openWithFactory(f.store, clock, DEFAULT_IDENTITY);
      const before = tree.snapshot();
      const bad = (() => 'x') as unknown as string;
      let code = '';
      try {
        await tree.batch(DEVICE, [
          { op: 'add', uri: './Vendor/A', value: 'a' },
          { op: 'add', uri: './Vendor/B', value: 'b', title: bad },
        ]);
      } catch (error) {
        code = (error as { code?: string }).code ?? 'no code';
      }
      expect(code).toBe('tree-store-failed');
      expect(tree.snapshot()).toEqual(before);
      const reopened = await ManagementTree.open(await f.reopen(), { clock });
      expect(reopened.snapshot()).toEqual(before);
    });

    it('holds a 10,000-node tree and commits a 1,000-mutation batch in one go', async () => {
      const f = await fixture();
      await f.store.replaceAll(createFactoryTree(DEFAULT_IDENTITY, clock.now()));
      const tree = await ManagementTree.open(f.store, { clock });
      const base = tree.size;
      const ops: TreeOp[] = [];
      for (let i = 0; i < 1000; i++) ops.push({ op: 'add', uri: `./Bench/g${i}/n`, value: String(i) });
      ops.push({ op: 'replace', uri: './Bench?prop=ACL', value: 'Get=*&Replace=srvA' });
      expect((await tree.batch(DEVICE, ops)).status).toBe(200);
      const more: TreeOp[] = [];
      for (let i = 0; i < 8000; i++)
        more.push({ op: 'add', uri: `./Bench/g${i % 1000}/m${i}`, value: String(i) });
      expect((await tree.batch(DEVICE, more)).status).toBe(200);
      expect(tree.size).toBe(base + 1 + 1000 * 2 + 8000);
      const replace: TreeOp[] = [];
      for (let i = 0; i < 1000; i++) replace.push({ op: 'replace', uri: `./Bench/g${i}/n`, value: `r${i}` });
      expect((await tree.batch(server('srvA'), replace)).status).toBe(200);
      const reopened = await ManagementTree.open(await f.reopen(), { clock });
      const items = reopened.list(DEVICE, '.', 'StructData').items ?? [];
      expect(items.length).toBe(tree.size);
      expect(reopened.get(DEVICE, './Bench/g999/n').value).toBe('r999');
    });
  });
}
