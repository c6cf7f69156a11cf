/** The inspector's tree import (src/state/tree-import.svelte.ts, decision 0120), in Node on a memory tree. */
import { describe, expect, it } from 'vitest';
import { exportTreeJson } from '../../../src/core/tree/transfer.ts';
import { DEVICE, LOCAL_USER } from '../../../src/core/tree/types.ts';
import { TreeImportState } from '../../../src/state/tree-import.svelte.ts';
import { factoryTree } from '../tree/helpers.ts';

async function setUp() {
  const { tree } = await factoryTree();
  await tree.batch(DEVICE, [
    { op: 'add', uri: './MMS/op/Addr', value: 'http://mmsc.example.net/mms' },
    { op: 'add', uri: './MMS/mine/Addr', value: 'http://mine.example.org/mms' },
    { op: 'replace', uri: './MMS/op?prop=Locked', value: 'true' },
    { op: 'add', uri: './DMAcc/op/ServerID', value: 'operator.example' },
    { op: 'add', uri: './DMAcc/other/ServerID', value: 'other.example' },
    { op: 'replace', uri: './MMS?prop=ACL', value: 'Add=*&Get=*&Replace=operator.example' },
  ]);
  const json = exportTreeJson(tree, DEVICE);
  if (!('text' in json)) throw new Error('export failed');
  const records = JSON.parse(json.text) as { uri: string; value?: string }[];
  const edited = (uri: string, value: string) =>
    JSON.stringify(records.map((r) => (r.uri === uri ? { ...r, value } : r)));
  return { tree, importer: new TreeImportState(tree), edited };
}

describe('TreeImportState', () => {
  it('a malformed file says why, with the error code, and previews nothing', async () => {
    const { importer } = await setUp();
    expect(importer.choose('bad.json', '[{"uri": 1}]')).toBe(false);
    expect(importer.pending).toBeNull();
    expect(importer.note).toEqual({
      ok: false,
      text: 'Not imported (tree-import-malformed): bad.json: record 1 has no "uri". Nothing was changed.',
    });
  });

  it('previews, then applies as the local user', async () => {
    const { tree, importer, edited } = await setUp();
    expect(importer.choose('tree.json', edited('./MMS/mine/Addr', 'http://new.example/mms'))).toBe(true);
    expect(importer.pending?.preview).toMatchObject({ added: 0, replaced: 1, refused: [] });
    expect(importer.canApply).toBe(true);
    const principals: unknown[] = [];
    tree.subscribe((c) => principals.push(c.principal));
    await importer.confirm();
    expect(principals).toEqual([LOCAL_USER]);
    expect(importer.pending).toBeNull();
    expect(importer.note).toEqual({ ok: true, text: 'Imported tree.json: 0 nodes added, 1 node replaced.' });
    expect(tree.get(LOCAL_USER, './MMS/mine/Addr').value).toBe('http://new.example/mms');
  });

  it('a refused change blocks the import; cancelling says nothing changed', async () => {
    const { tree, importer, edited } = await setUp();
    importer.choose('locked.json', edited('./MMS/op/Addr', 'http://evil.example/mms'));
    expect(importer.pending?.preview.refused[0]).toMatchObject({ uri: './MMS/op/Addr', status: 405 });
    expect(importer.canApply).toBe(false);
    await importer.confirm();
    expect(tree.get(LOCAL_USER, './MMS/op/Addr').value).toBe('http://mmsc.example.net/mms');
    importer.cancel();
    expect(importer.note?.text).toBe('Import of locked.json cancelled; nothing was changed.');
  });

  it('acting as a DM server applies its ACLs instead of Locked', async () => {
    const { tree, importer, edited } = await setUp();
    importer.choose('locked.json', edited('./MMS/op/Addr', 'http://evil.example/mms'));
    expect(importer.servers).toEqual(['operator.example', 'other.example']);
    importer.setActAs('other.example');
    expect(importer.pending?.preview.refused).toEqual([
      { uri: './MMS/op/Addr', kind: 'replace', status: 425, reason: 'no Replace right on ./MMS/op/Addr' },
    ]);
    importer.setActAs('operator.example');
    expect(importer.pending?.preview.refused).toEqual([]);
    await importer.confirm();
    expect(importer.note?.text).toBe(
      'Imported locked.json as DM server operator.example: 0 nodes added, 1 node replaced.',
    );
    expect(tree.get(LOCAL_USER, './MMS/op/Addr').value).toBe('http://evil.example/mms');
  });

  it('a tree that changed after the preview refuses the whole import with the reason', async () => {
    const { tree, importer, edited } = await setUp();
    importer.choose('tree.json', edited('./MMS/mine/Addr', 'http://new.example/mms'));
    // The instance is locked (as a bootstrap would) while the preview is open.
    expect((await tree.replace(DEVICE, './MMS/mine?prop=Locked', { value: 'true' })).status).toBe(200);
    await importer.confirm();
    expect(importer.note).toEqual({
      ok: false,
      text: 'Not imported (status 405): ./MMS/mine is Locked; the user cannot change it. Nothing was changed.',
    });
    expect(tree.get(LOCAL_USER, './MMS/mine/Addr').value).toBe('http://mine.example.org/mms');
  });
});
