import { describe, expect, it } from 'vitest';
import { parseTnds } from '../../../src/core/tree/tnds.ts';
import { DEVICE, TNDS_MIME, server } from '../../../src/core/tree/types.ts';
import { factoryTree } from './helpers.ts';

const A = server('srvA');

/** Shape from oma-dm.md §14: MgmtTree / VerDTD / Node (NodeName, Path, RTProperties, Value). */
const SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<MgmtTree xmlns="syncml:dmddf1.2">
  <VerDTD>1.2</VerDTD>
  <Node>
    <NodeName>srv1</NodeName>
    <Path>./DMAcc</Path>
    <RTProperties><ACL>Get=srvA&amp;Replace=srvA&amp;Delete=srvA</ACL><Format><node/></Format><Type><DDFName/></Type></RTProperties>
    <Node><NodeName>ServerID</NodeName><RTProperties><Format><chr/></Format><Type><MIME>text/plain</MIME></Type></RTProperties><Value>srvA</Value></Node>
    <Node><NodeName>AppAddr</NodeName><RTProperties><Format><node/></Format></RTProperties>
      <Node><NodeName>1</NodeName><RTProperties><Format><node/></Format></RTProperties>
        <Node><NodeName>Addr</NodeName><RTProperties><Format><chr/></Format></RTProperties><Value>http://dm.example.net/dm?a=1&amp;b=&lt;2&gt;</Value></Node>
      </Node>
    </Node>
  </Node>
</MgmtTree>`;

describe('TNDS (oma-dm.md §14)', () => {
  it('parses nodes, paths, ACLs, formats and escaped values', () => {
    const nodes = parseTnds(SAMPLE);
    if (typeof nodes === 'string') throw new Error(nodes);
    expect(nodes[0]).toMatchObject({
      name: 'srv1',
      path: './DMAcc',
      acl: 'Get=srvA&Replace=srvA&Delete=srvA',
      format: 'node',
    });
    expect(nodes[0]?.children[1]?.children[0]?.children[0]?.value).toBe('http://dm.example.net/dm?a=1&b=<2>');
  });

  it('rejects malformed XML and entity declarations with a reason', () => {
    expect(parseTnds('<MgmtTree><Node>')).toBeTypeOf('string');
    expect(parseTnds('<!DOCTYPE x [<!ENTITY a "b">]><MgmtTree/>')).toBeTypeOf('string');
    expect(parseTnds('<Other/>')).toBeTypeOf('string');
  });

  it('an Add with the TNDS type creates the whole subtree in one status', async () => {
    const { tree } = await factoryTree();
    expect((await tree.add(DEVICE, '.', { type: TNDS_MIME, value: SAMPLE })).status).toBe(200);
    expect(tree.get(A, './DMAcc/srv1/AppAddr/1/Addr').value).toBe('http://dm.example.net/dm?a=1&b=<2>');
    expect(tree.get(A, './DMAcc/srv1?prop=ACL').value).toBe('Delete=srvA&Get=srvA&Replace=srvA');
    // Adding it again clashes on the leaves: 418, and nothing changes.
    expect((await tree.add(DEVICE, '.', { type: TNDS_MIME, value: SAMPLE })).status).toBe(418);
  });

  it('?list=TNDS round-trips through Add with TNDS, with property selection', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, '.', { type: TNDS_MIME, value: SAMPLE });
    const full = tree.get(A, './DMAcc/srv1?list=TNDS');
    expect(full).toMatchObject({ status: 200, type: TNDS_MIME, format: 'xml' });
    expect(full.value).toContain('<Path>./DMAcc</Path>');
    expect(full.value).toContain('<ACL>Delete=srvA&amp;Get=srvA&amp;Replace=srvA</ACL>');
    expect(full.value).toContain('&lt;2&gt;');
    const noValue = tree.get(A, './DMAcc/srv1?list=TNDS-Value').value!;
    expect(noValue).not.toContain('<Value>');
    const aclOnly = tree.get(A, './DMAcc/srv1?list=TNDS+ACL').value!;
    expect(aclOnly).toContain('<ACL>');
    expect(aclOnly).not.toContain('<Format>');
    expect(aclOnly).toContain('<Type>');

    const { tree: other } = await factoryTree();
    expect((await other.add(DEVICE, '.', { type: TNDS_MIME, value: full.value })).status).toBe(200);
    expect(other.list(DEVICE, './DMAcc/srv1', 'StructData')).toEqual(
      tree.list(DEVICE, './DMAcc/srv1', 'StructData'),
    );
  });

  it('the whole tree exports with the root children as top-level nodes of Path "."', async () => {
    const { tree } = await factoryTree();
    const xml = tree.exportTnds(DEVICE, '.').value!;
    expect(
      xml.startsWith(
        '<MgmtTree xmlns="syncml:dmddf1.2"><VerDTD>1.2</VerDTD><Node><NodeName>DevInfo</NodeName><Path>.</Path>',
      ),
    ).toBe(true);
  });
});
