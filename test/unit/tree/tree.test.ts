import { describe, expect, it } from 'vitest';
import { DEVICE, LOCAL_USER, server } from '../../../src/core/tree/types.ts';
import { factoryTree, fixedClock } from './helpers.ts';

const A = server('srvA');
const B = server('srvB');

describe('factory tree (oma-dm.md §12.4, §13)', () => {
  it('root ACL is Add=*&Get=*; DevInfo holds the identity and DmV 1.2', async () => {
    const { tree } = await factoryTree();
    expect(tree.get(A, '.?prop=ACL')).toMatchObject({ status: 200, value: 'Add=*&Get=*' });
    expect(tree.get(A, './DevInfo/DevId')).toMatchObject({ status: 200, value: 'IMEI:490154203237518' });
    expect(tree.get(A, './DevInfo/DmV').value).toBe('1.2');
    expect(tree.get(A, './DevDetail/LrgObj')).toMatchObject({ value: 'true', format: 'bool' });
    expect(tree.get(A, './DevInfo?prop=Type').value).toBe('urn:oma:mo:oma-dm-devinfo:1.0');
    expect(tree.get(A, './DMAcc?prop=Type').value).toBe('urn:oma:mo:oma-dm-dmacc:1.0');
    expect(tree.get(A, './MMS')).toMatchObject({ status: 200, value: '', format: 'node' });
  });

  it('DevInfo is read-only and permanent for servers', async () => {
    const { tree } = await factoryTree();
    expect((await tree.replace(A, './DevInfo/Man', { value: 'x' })).status).toBe(425);
    expect((await tree.delete(A, './DevInfo')).status).toBe(425);
    expect((await tree.delete(DEVICE, './DevInfo')).status).toBe(405);
    expect((await tree.delete(DEVICE, '.')).status).toBe(405);
  });
});

describe('Get (REP 41, TND 82/84)', () => {
  it('an interior node returns its child names as a/b/c with Format node', async () => {
    const { tree } = await factoryTree();
    const r = tree.get(A, './DevDetail/URI');
    expect(r).toMatchObject({ status: 200, format: 'node', value: 'MaxDepth/MaxTotLen/MaxSegLen' });
  });

  it('404 for a missing node, 405 for ./Inbox, 406 for unknown property', async () => {
    const { tree } = await factoryTree();
    expect(tree.get(A, './Nope').status).toBe(404);
    expect(tree.get(A, './Inbox').status).toBe(405);
    expect(tree.get(A, './DevInfo?prop=Colour').status).toBe(406);
    expect(tree.get(A, './DevInfo/DevId?prop=Active').status).toBe(406);
  });

  it('414 when the URI exceeds DevDetail/URI limits', async () => {
    const { tree } = await factoryTree();
    await tree.replace(DEVICE, './DevDetail/URI/MaxDepth', { value: '2' });
    expect(tree.get(A, './DevDetail/URI/MaxDepth').status).toBe(414);
    expect((await tree.add(A, './X/Y/Z', { value: 'v' })).status).toBe(414);
  });

  it('?list=Struct lists the target and everything below it; StructData adds leaf data', async () => {
    const { tree } = await factoryTree();
    const s = tree.list(A, './DevDetail/URI', 'Struct');
    expect(s.items?.map((i) => i.uri)).toEqual([
      './DevDetail/URI',
      './DevDetail/URI/MaxDepth',
      './DevDetail/URI/MaxTotLen',
      './DevDetail/URI/MaxSegLen',
    ]);
    expect(s.items?.every((i) => i.value === undefined)).toBe(true);
    const d = tree.list(A, './DevDetail/URI', 'StructData');
    expect(d.items?.[1]).toMatchObject({ uri: './DevDetail/URI/MaxDepth', value: '16' });
  });
});

describe('Add / Replace / Delete (REP 41; oma-dm.md §5)', () => {
  it('Add creates implicit parents; 418 when it exists; 405 below a leaf', async () => {
    const { tree } = await factoryTree();
    expect((await tree.add(A, './Vendor/App/Setting', { value: 'on' })).status).toBe(200);
    expect(tree.get(A, './Vendor/App?prop=Format').value).toBe('node');
    expect((await tree.add(A, './Vendor/App/Setting', { value: 'x' })).status).toBe(418);
    expect((await tree.add(A, './Vendor/App/Setting/Sub', { value: 'x' })).status).toBe(405);
    expect((await tree.add(A, '.', {})).status).toBe(418);
  });

  it('a server without Replace on the parent gets Add/Delete/Replace on the new interior node', async () => {
    const { tree } = await factoryTree();
    await tree.add(A, './Vendor/Leaf', { value: '1' });
    // Root is Add=*&Get=*: srvA has no Replace on ., so ./Vendor is granted to it, Get kept (decision 0020).
    expect(tree.get(A, './Vendor?prop=ACL').value).toBe('Add=*&Delete=srvA&Get=*&Replace=srvA');
    expect(tree.get(A, './Vendor/Leaf?prop=ACL').value).toBe('');
    expect((await tree.replace(A, './Vendor/Leaf', { value: '2' })).status).toBe(200);
    expect((await tree.replace(B, './Vendor/Leaf', { value: '3' })).status).toBe(425);
    expect((await tree.delete(B, './Vendor')).status).toBe(425);
  });

  it('Replace never creates (404); values are format-checked (400); unknown format 415', async () => {
    const { tree } = await factoryTree();
    expect((await tree.replace(A, './Vendor/X', { value: '1' })).status).toBe(404);
    await tree.add(DEVICE, './Vendor/N', { format: 'int', value: '5' });
    expect((await tree.replace(DEVICE, './Vendor/N', { value: 'five' })).status).toBe(400);
    expect((await tree.add(DEVICE, './Vendor/B', { format: 'bool', value: 'TRUE' })).status).toBe(400);
    expect((await tree.add(DEVICE, './Vendor/F', { format: 'float', value: '+1.23e+01' })).status).toBe(200);
    expect((await tree.add(DEVICE, './Vendor/D', { format: 'date', value: '2005-13-45' })).status).toBe(400);
    expect((await tree.add(DEVICE, './Vendor/T', { format: 'time', value: '11:20:35+01:20' })).status).toBe(
      200,
    );
    expect((await tree.add(DEVICE, './Vendor/Q', { format: 'weird' as never, value: '1' })).status).toBe(415);
  });

  it('maintains TStamp, VerNo and Size', async () => {
    const clock = fixedClock();
    const { tree } = await factoryTree(clock);
    await tree.add(DEVICE, './Vendor/V', { value: 'héllo' });
    expect(tree.get(A, './Vendor/V?prop=VerNo').value).toBe('0');
    expect(tree.get(A, './Vendor/V?prop=Size').value).toBe('6');
    clock.advance(61_000);
    await tree.replace(DEVICE, './Vendor/V', { value: 'x' });
    expect(tree.get(A, './Vendor/V?prop=VerNo').value).toBe('1');
    expect(tree.get(A, './Vendor/V?prop=TStamp').value).toBe('20241121T104301Z');
    await tree.add(DEVICE, './Vendor/Bin', { format: 'bin', value: new Uint8Array([1, 2, 3, 4]) });
    expect(tree.get(A, './Vendor/Bin?prop=Size').value).toBe('4');
    expect(tree.get(A, './Vendor?prop=Size').status).toBe(406);
  });

  it('only ACL, Name, Title (and the instance flags) can be replaced; others 405', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './Vendor/V', { value: 'x' });
    for (const p of ['Format', 'Size', 'TStamp', 'Type', 'VerNo'])
      expect((await tree.replace(DEVICE, `./Vendor/V?prop=${p}`, { value: '1' })).status).toBe(405);
    expect((await tree.replace(DEVICE, './Vendor/V?prop=Colour', { value: '1' })).status).toBe(406);
    expect((await tree.replace(DEVICE, './Vendor/V?prop=Title', { value: 'A title' })).status).toBe(200);
    expect(tree.get(A, './Vendor/V?prop=Title').value).toBe('A title');
    expect((await tree.replace(DEVICE, './Vendor/V?prop=Title', { value: 'x'.repeat(256) })).status).toBe(
      413,
    );
  });

  it('Name renames the node and its subtree; 418 on a clash; permanent nodes 405', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './Vendor/Old/Leaf', { value: 'v' });
    await tree.add(DEVICE, './Vendor/Other', {});
    expect((await tree.replace(DEVICE, './Vendor/Old?prop=Name', { value: 'Other' })).status).toBe(418);
    expect((await tree.replace(DEVICE, './Vendor/Old?prop=Name', { value: 'New' })).status).toBe(200);
    expect(tree.get(A, './Vendor/New/Leaf').value).toBe('v');
    expect(tree.get(A, './Vendor/Old').status).toBe(404);
    expect(tree.get(A, './Vendor').value).toBe('New/Other');
    expect((await tree.replace(DEVICE, './DevInfo?prop=Name', { value: 'X' })).status).toBe(405);
  });

  it('Delete removes the subtree; 404 when missing', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './Vendor/A/B', { value: 'v' });
    expect((await tree.delete(DEVICE, './Vendor')).status).toBe(200);
    expect(tree.get(DEVICE, './Vendor/A/B').status).toBe(404);
    expect((await tree.delete(DEVICE, './Vendor')).status).toBe(404);
  });

  it('Copy copies a leaf value; interior source 405 (DM 1.2 Copy)', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './Vendor/Src', { format: 'int', value: '7' });
    expect((await tree.copy(DEVICE, './Vendor/Dst', './Vendor/Src')).status).toBe(200);
    expect(tree.get(A, './Vendor/Dst')).toMatchObject({ value: '7', format: 'int' });
    expect((await tree.copy(DEVICE, './Vendor/Dst2', './Vendor')).status).toBe(405);
  });
});

describe('ACL rules (TND 83; oma-dm.md §12.4)', () => {
  it('inherits the whole ACL of the nearest ancestor with a value, with no per-command merge', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './Vendor', { acl: 'Get=srvA&Replace=srvA' });
    await tree.add(DEVICE, './Vendor/Sub', { acl: 'Replace=srvB' });
    await tree.add(DEVICE, './Vendor/Sub/Leaf', { value: 'x' });
    // Leaf inherits only Replace=srvB from Sub, not Get=srvA from Vendor.
    expect(tree.get(A, './Vendor/Sub/Leaf').status).toBe(425);
    expect(tree.get(B, './Vendor/Sub/Leaf').status).toBe(425);
    expect((await tree.replace(B, './Vendor/Sub/Leaf', { value: 'y' })).status).toBe(200);
    // Get of an empty ACL returns the empty value, not the inherited one.
    expect(tree.get(DEVICE, './Vendor/Sub/Leaf?prop=ACL').value).toBe('');
  });

  it('a leaf ACL needs Replace on the parent; an interior ACL Replace on the node (or its parent)', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './Vendor', { acl: 'Get=*&Replace=srvA' });
    await tree.add(DEVICE, './Vendor/Leaf', { value: 'x', acl: 'Replace=srvB' });
    expect((await tree.replace(B, './Vendor/Leaf?prop=ACL', { value: 'Get=*' })).status).toBe(425);
    expect((await tree.replace(A, './Vendor/Leaf?prop=ACL', { value: 'Get=*&Replace=srvA' })).status).toBe(
      200,
    );
    await tree.add(DEVICE, './Vendor/Box', { acl: 'Replace=srvB' });
    expect((await tree.replace(B, './Vendor/Box?prop=ACL', { value: 'Replace=srvB&Get=srvB' })).status).toBe(
      200,
    );
    expect(tree.get(B, './Vendor/Box?prop=ACL').value).toBe('Get=srvB&Replace=srvB');
    expect((await tree.replace(A, './Vendor?prop=ACL', { value: 'bad' })).status).toBe(400);
  });

  it('the root ACL keeps Add=* (405 otherwise)', async () => {
    const { tree } = await factoryTree();
    expect((await tree.replace(DEVICE, '.?prop=ACL', { value: '' })).status).toBe(405);
    expect((await tree.replace(DEVICE, '.?prop=ACL', { value: 'Add=srvA&Get=*' })).status).toBe(405);
  });

  it('?list includes only nodes the server may Get', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './Vendor', {});
    await tree.add(DEVICE, './Vendor/Open', { value: '1' });
    await tree.add(DEVICE, './Vendor/Hidden', { value: '2', acl: 'Get=srvB' });
    const items = tree.list(A, './Vendor', 'StructData').items!.map((i) => i.uri);
    expect(items).toEqual(['./Vendor', './Vendor/Open']);
  });

  it('secrets are never returned by Get nor in ?list data, to anyone', async () => {
    const { tree } = await factoryTree();
    await tree.batch(DEVICE, [
      { op: 'add', uri: './DMAcc/s1/ServerID', value: 'srvA' },
      { op: 'add', uri: './DMAcc/s1/AppAuth/1/AAuthSecret', value: 'hunter2' },
      { op: 'add', uri: './DMAcc/s1/AppAuth/1/AAuthData', format: 'bin', value: new Uint8Array([1, 2]) },
    ]);
    for (const p of [A, DEVICE, LOCAL_USER]) {
      expect(tree.get(p, './DMAcc/s1/AppAuth/1/AAuthSecret').status).toBe(405);
      expect(tree.get(p, './DMAcc/s1/AppAuth/1/AAuthData').status).toBe(405);
    }
    const data = JSON.stringify(tree.list(A, './DMAcc', 'StructData'));
    expect(data).not.toContain('hunter2');
    const tnds = tree.exportTnds(A, './DMAcc').value!;
    expect(tnds).not.toContain('hunter2');
    expect(tnds).toContain('<NodeName>AAuthSecret</NodeName>');
    expect(tree.record('./DMAcc/s1/AppAuth/1/AAuthSecret')?.value).toBe('hunter2');
  });

  it('deleting a DMAcc account removes its ServerID from every ACL (TND 83)', async () => {
    const { tree } = await factoryTree();
    await tree.batch(DEVICE, [
      { op: 'add', uri: './DMAcc/a/ServerID', value: 'srvA' },
      { op: 'add', uri: './Vendor', acl: 'Get=srvA+srvB&Replace=srvA' },
      { op: 'replace', uri: '.?prop=ACL', value: 'Add=*&Get=*&Replace=srvA' },
    ]);
    expect((await tree.delete(DEVICE, './DMAcc/a')).status).toBe(200);
    expect(tree.get(DEVICE, './Vendor?prop=ACL').value).toBe('Get=srvB');
    expect(tree.get(DEVICE, '.?prop=ACL').value).toBe('Add=*&Get=*&Replace=*');
  });
});

describe('batches are all or nothing (REP 41 Atomic)', () => {
  it('a failure half-way applies nothing and reports 216 / code / 215', async () => {
    const { tree, store } = await factoryTree();
    const before = JSON.stringify(await store.load());
    const r = await tree.batch(A, [
      { op: 'add', uri: './Vendor/One', value: '1' },
      { op: 'replace', uri: './Vendor/One', value: '2' },
      { op: 'add', uri: './Vendor/One', value: '3' },
      { op: 'add', uri: './Vendor/Two', value: '4' },
    ]);
    expect(r).toMatchObject({ status: 507, statuses: [216, 216, 418, 215], failedIndex: 2 });
    expect(tree.get(A, './Vendor').status).toBe(404);
    expect(JSON.stringify(await store.load())).toBe(before);
  });

  it('later ops see earlier pending writes', async () => {
    const { tree } = await factoryTree();
    const r = await tree.batch(DEVICE, [
      { op: 'add', uri: './Vendor/X', value: '1' },
      { op: 'replace', uri: './Vendor/X?prop=Name', value: 'Y' },
      { op: 'copy', uri: './Vendor/Z', source: './Vendor/Y' },
      { op: 'delete', uri: './Vendor/Y' },
    ]);
    expect(r.statuses).toEqual([200, 200, 200, 200]);
    expect(tree.get(DEVICE, './Vendor').value).toBe('Z');
  });

  it('a store failure leaves the tree as before and throws a TreeStoreError', async () => {
    const { tree, store } = await factoryTree();
    const commit = store.commit.bind(store);
    store.commit = () => Promise.reject(new Error('disk full'));
    await expect(tree.add(DEVICE, './Vendor/X', { value: '1' })).rejects.toMatchObject({
      code: 'tree-store-failed',
    });
    expect(tree.get(DEVICE, './Vendor').status).toBe(404);
    store.commit = commit;
    expect((await tree.add(DEVICE, './Vendor/X', { value: '1' })).status).toBe(200);
  });

  it('notifies subscribers after a commit, with the origin', async () => {
    const { tree } = await factoryTree();
    const seen: unknown[] = [];
    const off = tree.subscribe((c) => seen.push(c));
    await tree.add(A, './Vendor/X', { value: '1' }, { origin: 'session 3' });
    off();
    await tree.add(A, './Vendor/Y', { value: '1' });
    expect(seen).toEqual([
      { principal: A, origin: 'session 3', changed: ['./Vendor', './Vendor/X'], removed: [] },
    ]);
  });
});
