/** Tree files for the inspector: reading TNDS / JSON, planning a merge, the dry run, applying (decision 0120). */
import { describe, expect, it } from 'vitest';
import {
  applyImport,
  exportTreeJson,
  previewImport,
  readTreeFile,
  TreeImportError,
} from '../../../src/core/tree/transfer.ts';
import { DEVICE, LOCAL_USER, server, type TreeChange } from '../../../src/core/tree/types.ts';
import { factoryTree } from './helpers.ts';

const OP = server('operator.example');

async function withLockedMms() {
  const env = await factoryTree();
  const r = await env.tree.batch(DEVICE, [
    { op: 'add', uri: './DMAcc/op/ServerID', value: 'operator.example' },
    { op: 'add', uri: './MMS/op/Name', value: 'Operator MMS' },
    { op: 'add', uri: './MMS/op/Addr', value: 'http://mmsc.example.net/mms' },
    { op: 'add', uri: './MMS/mine/Addr', value: 'http://mine.example.org/mms' },
    { op: 'replace', uri: './MMS?prop=ACL', value: 'Add=*&Get=*&Replace=operator.example' },
  ]);
  expect(r.status).toBe(200);
  expect((await env.tree.replace(OP, './MMS/op?prop=Locked', { value: 'true' })).status).toBe(200);
  return env;
}

function errorOf(fn: () => unknown): TreeImportError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TreeImportError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('readTreeFile', () => {
  it('reads a TNDS export into canonical URIs, parents first', async () => {
    const { tree } = await factoryTree();
    const xml = tree.exportTnds(DEVICE, '.', '+ACL+Format+Type+Title+Value').value!;
    const file = readTreeFile(xml);
    expect(file.kind).toBe('tnds');
    expect(file.entries.length).toBe(tree.size - 1); // the root is not a TNDS node
    const devId = file.entries.find((e) => e.uri === './DevInfo/DevId');
    expect(devId).toMatchObject({ interior: false, format: 'chr', value: 'IMEI:490154203237518' });
    expect(file.entries.findIndex((e) => e.uri === './DevInfo')).toBeLessThan(
      file.entries.findIndex((e) => e.uri === './DevInfo/DevId'),
    );
  });

  it('reads the JSON export and a device state document, sorting parents before children', () => {
    const records = [
      { uri: './X/Y', format: 'chr', type: 'text/plain', value: 'v', acl: '' },
      { uri: './X', format: 'node', type: '', acl: 'Get=*' },
    ];
    const file = readTreeFile(JSON.stringify(records));
    expect(file.kind).toBe('json');
    expect(file.entries.map((e) => e.uri)).toEqual(['./X', './X/Y']);
    expect(readTreeFile(JSON.stringify({ format: 'x', nodes: records })).entries).toHaveLength(2);
  });

  it('refuses malformed and unknown files with a code and the reason', () => {
    expect(errorOf(() => readTreeFile('<MgmtTree><Node>', 'bad.xml'))).toMatchObject({
      code: 'tree-import-malformed',
      message: expect.stringMatching(/^bad\.xml: bad TNDS: not well-formed XML/) as unknown,
    });
    expect(errorOf(() => readTreeFile('<Other/>')).message).toContain('no <MgmtTree> root element');
    expect(errorOf(() => readTreeFile('{"nodes": [1]}')).message).toContain('record 1 is not an object');
    expect(errorOf(() => readTreeFile('[{"uri": "./A"}]')).message).toContain('has no "format"');
    expect(errorOf(() => readTreeFile('[{"uri": "./A//B", "format": "node"}]')).code).toBe(
      'tree-import-malformed',
    );
    expect(errorOf(() => readTreeFile('[{"uri": "./A", "format": "node", "value": 3}]')).message).toContain(
      '"value" must be text',
    );
    expect(
      errorOf(() => readTreeFile('[{"uri":"./A","format":"node"},{"uri":"A","format":"node"}]')).message,
    ).toContain('./A appears twice');
    expect(errorOf(() => readTreeFile('[1,')).message).toContain('not valid JSON');
    expect(errorOf(() => readTreeFile('[]')).message).toContain('holds no nodes');
    expect(errorOf(() => readTreeFile('hello')).code).toBe('tree-import-unrecognised');
  });
});

describe('previewImport and applyImport', () => {
  it('an unmodified TNDS or JSON export of the tree changes nothing', async () => {
    const { tree } = await withLockedMms();
    const xml = tree.exportTnds(DEVICE, '.', '+ACL+Format+Type+Title+TStamp+VerNo+Value').value!;
    const fromTnds = previewImport(tree, LOCAL_USER, readTreeFile(xml));
    expect(fromTnds).toMatchObject({ added: 0, replaced: 0, refused: [], unchanged: tree.size - 1 });
    const json = exportTreeJson(tree, DEVICE);
    if (!('text' in json)) throw new Error('export failed');
    const fromJson = previewImport(tree, LOCAL_USER, readTreeFile(json.text));
    expect(fromJson).toMatchObject({ added: 0, replaced: 0, refused: [], unchanged: tree.size });
  });

  it('adds and replaces as one batch, acting as the local user', async () => {
    const { tree } = await withLockedMms();
    const xml = tree
      .exportTnds(DEVICE, '.', '+ACL+Format+Type+Value')
      .value!.replace('http://mine.example.org/mms', 'http://changed.example.org/mms')
      .replace(
        '<NodeName>mine</NodeName>',
        '<NodeName>mine</NodeName><Node><NodeName>Name</NodeName><RTProperties><Format><chr/></Format><Type><MIME>text/plain</MIME></Type></RTProperties><Value>Mine</Value></Node>',
      );
    const preview = previewImport(tree, LOCAL_USER, readTreeFile(xml));
    expect(preview).toMatchObject({ added: 1, replaced: 1, refused: [] });
    expect(preview.changes.map((c) => [c.uri, c.what])).toEqual([
      ['./MMS/mine/Name', ['new node']],
      ['./MMS/mine/Addr', ['value']],
    ]);
    const changes: TreeChange[] = [];
    tree.subscribe((c) => changes.push(c));
    expect((await applyImport(tree, LOCAL_USER, preview)).status).toBe(200);
    expect(changes).toHaveLength(1); // one batch, one commit
    expect(changes[0]!.principal).toEqual(LOCAL_USER);
    expect(tree.get(LOCAL_USER, './MMS/mine/Addr').value).toBe('http://changed.example.org/mms');
    expect(tree.get(LOCAL_USER, './MMS/mine/Name').value).toBe('Mine');
  });

  it('lists every refusal with its reason (Locked, format) and applies nothing', async () => {
    const { tree } = await withLockedMms();
    const json = exportTreeJson(tree, DEVICE);
    if (!('text' in json)) throw new Error('export failed');
    const records = JSON.parse(json.text) as { uri: string; value?: string; format: string }[];
    records.find((r) => r.uri === './MMS/op/Addr')!.value = 'http://evil.example/mms';
    records.find((r) => r.uri === './MMS/mine/Addr')!.value = 'http://fine.example/mms';
    records.push({ uri: './MMS/mine/Extra', format: 'int', value: 'twelve' });
    const preview = previewImport(tree, LOCAL_USER, readTreeFile(JSON.stringify(records)));
    expect(preview.added).toBe(1);
    expect(preview.replaced).toBe(2);
    expect(preview.refused).toEqual([
      {
        uri: './MMS/op/Addr',
        kind: 'replace',
        status: 405,
        reason: './MMS/op is Locked; the user cannot change it',
      },
      { uri: './MMS/mine/Extra', kind: 'add', status: 400, reason: '"twelve" is not an int' },
    ]);
    const before = tree.snapshot();
    const result = await applyImport(tree, LOCAL_USER, preview);
    expect(result.status).toBe(507);
    expect(tree.snapshot()).toEqual(before);
  });

  it('a DM server principal is held to the ACLs', async () => {
    const { tree } = await withLockedMms();
    const xml =
      '<MgmtTree><VerDTD>1.2</VerDTD><Node><NodeName>Addr</NodeName><Path>./MMS/mine</Path><RTProperties><Format><chr/></Format><Type><MIME>text/plain</MIME></Type></RTProperties><Value>x</Value></Node></MgmtTree>';
    const preview = previewImport(tree, server('other.example'), readTreeFile(xml));
    expect(preview.refused).toEqual([
      { uri: './MMS/mine/Addr', kind: 'replace', status: 425, reason: 'no Replace right on ./MMS/mine/Addr' },
    ]);
  });

  it('locks and flags from a JSON file are changes the local user may not make', async () => {
    const { tree } = await withLockedMms();
    const json = exportTreeJson(tree, DEVICE);
    if (!('text' in json)) throw new Error('export failed');
    const records = JSON.parse(json.text) as { uri: string; flags?: unknown }[];
    delete records.find((r) => r.uri === './MMS/op')!.flags;
    records.find((r) => r.uri === './MMS/mine')!.flags = { active: true };
    const preview = previewImport(tree, LOCAL_USER, readTreeFile(JSON.stringify(records)));
    expect(preview.changes.map((c) => [c.uri, c.what])).toEqual([
      ['./MMS/op', ['Locked']],
      ['./MMS/mine', ['Active']],
    ]);
    expect(preview.refused.map((r) => [r.uri, r.status])).toEqual([['./MMS/op', 405]]);
  });

  it('keeps secrets that the export left out', async () => {
    const { tree } = await factoryTree();
    await tree.batch(DEVICE, [{ op: 'add', uri: './DMAcc/op/AppAuth/1/AAuthSecret', value: 's3cret' }]);
    const json = exportTreeJson(tree, DEVICE);
    if (!('text' in json)) throw new Error('export failed');
    expect(json.text).not.toContain('s3cret');
    const preview = previewImport(tree, LOCAL_USER, readTreeFile(json.text));
    expect(preview.changes).toEqual([]);
    expect(tree.record('./DMAcc/op/AppAuth/1/AAuthSecret')?.value).toBe('s3cret');
  });
});

describe('ManagementTree.check (dry run)', () => {
  it('undoes a refused op and goes on; writes nothing', async () => {
    const { tree, store } = await factoryTree();
    const before = await store.load();
    const outcomes = tree.check(LOCAL_USER, [
      { op: 'add', uri: './X/Y/Z', value: 'v', acl: 'Get=' }, // implicit parents, then a bad ACL
      { op: 'add', uri: './X', format: 'node' }, // succeeds only if ./X was rolled back
      { op: 'add', uri: './X/A', value: '1' },
      { op: 'add', uri: './X/A', value: '2' },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([400, 200, 200, 418]);
    expect(tree.record('./X')).toBeUndefined();
    expect(await store.load()).toEqual(before);
  });

  it('a batch adding thousands of children to one node keeps their order', async () => {
    const { tree } = await factoryTree();
    const ops = Array.from({ length: 3000 }, (_, i) => ({
      op: 'add' as const,
      uri: `./Many/n${i}`,
      value: `${i}`,
    }));
    expect((await tree.batch(DEVICE, ops)).status).toBe(200);
    const children = tree.get(DEVICE, './Many').children!;
    expect(children).toHaveLength(3000);
    expect(children.slice(0, 3)).toEqual(['n0', 'n1', 'n2']);
    expect(children.at(-1)).toBe('n2999');
  });
});
