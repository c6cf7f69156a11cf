/**
 * DM-profile bootstrap (oma-cp.md §9, oma-dm.md §15): Add/Replace applied as one batch with
 * principal DEVICE, no reply; decisions 0063 (Add of an existing node replaces it, Replace of
 * a missing node adds it, other commands not applied, ACL for the new account's ServerID).
 */
import { describe, expect, it } from 'vitest';
import { DmBootstrapError, planDmBootstrap } from '../../../src/core/cp/bootstrap-dm.ts';
import { applyPlan, planProvisioning, receivePayload } from '../../../src/core/cp/provision.ts';
import { readSyncML } from '../../../src/core/syncml/read.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import type { ManagementTree } from '../../../src/core/tree/tree.ts';
import { parseXml } from '../../../src/core/xml/parse.ts';
import { IMSI, toHex, vector } from '../cp/vectors.ts';
import { T0, freshTree, kids, value } from './helpers.ts';

function message(body: string): ReturnType<typeof readSyncML> {
  return readSyncML(
    parseXml(`<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>0</SessionID><MsgID>1</MsgID>
      <Target><LocURI>IMEI:490154203237518</LocURI></Target><Source><LocURI>https://dm.example.net/dm</LocURI></Source></SyncHdr>
      <SyncBody>${body}<Final/></SyncBody></SyncML>`),
  );
}

const leaf = (cmd: 'Add' | 'Replace', id: number, uri: string, data: string, format = 'chr') =>
  `<${cmd}><CmdID>${id}</CmdID><Item><Target><LocURI>${uri}</LocURI></Target><Meta><Format xmlns="syncml:metinf">${format}</Format></Meta><Data>${data}</Data></Item></${cmd}>`;
const node = (id: number, uri: string) =>
  `<Add><CmdID>${id}</CmdID><Item><Target><LocURI>${uri}</LocURI></Target><Meta><Format xmlns="syncml:metinf">node</Format></Meta></Item></Add>`;

const ACCOUNT =
  node(1, './DMAcc/acme') +
  leaf('Add', 2, './DMAcc/acme/AppID', 'w7') +
  leaf('Add', 3, './DMAcc/acme/ServerID', 'acme-dm') +
  leaf('Add', 4, './DMAcc/acme/Name', 'ACME DM') +
  leaf('Add', 5, './DMAcc/acme/AppAddr/1/Addr', 'https://dm.acme.example/dm') +
  leaf('Add', 6, './DMAcc/acme/AppAddr/1/AddrType', 'URI') +
  leaf('Add', 7, './DMAcc/acme/AppAuth/1/AAuthLevel', 'CLCRED') +
  leaf('Add', 8, './DMAcc/acme/AppAuth/1/AAuthType', 'DIGEST') +
  leaf('Add', 9, './DMAcc/acme/AppAuth/1/AAuthSecret', 'topsecret') +
  leaf('Add', 10, './DMAcc/acme/AppAuth/1/AAuthData', 'bm9uY2U=', 'b64');

async function apply(tree: ManagementTree, body: string) {
  const plan = planDmBootstrap(message(body), tree);
  const result = await tree.batch(DEVICE, plan.ops, { origin: 'boot' });
  expect(result.reason).toBeUndefined();
  return plan;
}

describe('DM-profile bootstrap', () => {
  it('adds the account, grants its ServerID Get/Replace/Delete, and asks for a session', async () => {
    const { tree } = await freshTree();
    const plan = await apply(tree, ACCOUNT);
    expect(plan.kind).toBe('dm-bootstrap');
    expect(value(tree, './DMAcc/acme/ServerID')).toBe('acme-dm');
    expect(value(tree, './DMAcc/acme/AppAddr/1/Addr')).toBe('https://dm.acme.example/dm');
    expect(tree.record('./DMAcc/acme/AppAuth/1/AAuthData')?.format).toBe('bin'); // b64 in XML → bin [oma-dm.md §12.2]
    expect(value(tree, './DMAcc/acme/AppAuth/1/AAuthData')).toBe('bm9uY2U=');
    expect(tree.get(DEVICE, './DMAcc/acme?prop=ACL').value!.split('&').sort()).toEqual([
      'Delete=acme-dm',
      'Get=acme-dm',
      'Replace=acme-dm',
    ]);
    expect(plan.startSessions).toEqual([
      { serverId: 'acme-dm', account: './DMAcc/acme', reason: 'bootstrap' },
    ]);
    const item = plan.preview.groups[0]!.items[0]!;
    expect(item.sentence).toBe(
      'Adds DM account *ACME DM* (server https://dm.acme.example/dm, ServerID acme-dm)',
    );
    expect(JSON.stringify(plan.preview)).not.toContain('topsecret');
  });

  it('an account added leaf by leaf (no interior Add) still gets the ACL', async () => {
    const { tree } = await freshTree();
    await apply(
      tree,
      leaf('Add', 1, './DMAcc/x/ServerID', 'srv-x') + leaf('Add', 2, './DMAcc/x/AppAddr/1/Addr', 'http://x'),
    );
    expect(tree.get(DEVICE, './DMAcc/x?prop=ACL').value).toContain('Get=srv-x');
  });

  it('an Add of an existing node replaces it; a Replace of a missing node adds it', async () => {
    const { tree } = await freshTree();
    await apply(tree, ACCOUNT);
    const plan = await apply(
      tree,
      node(1, './DMAcc/acme') +
        leaf('Add', 2, './DMAcc/acme/Name', 'ACME 2') +
        leaf('Replace', 3, './DMAcc/acme/AppAddr/1/Port/1/PortNbr', '8443'),
    );
    expect(value(tree, './DMAcc/acme/Name')).toBe('ACME 2');
    expect(value(tree, './DMAcc/acme/AppAddr/1/Port/1/PortNbr')).toBe('8443');
    expect(plan.ops.map((o) => o.op)).toEqual(['replace', 'add']);
    expect(plan.preview.groups[0]!.items[0]!.action).toBe('replace');
    expect(plan.issues.some((i) => i.code === 'exists')).toBe(true);
  });

  it('applies commands inside Atomic and Sequence; lists the others as not applied', async () => {
    const { tree } = await freshTree();
    const plan = await apply(
      tree,
      `<Atomic><CmdID>1</CmdID>${ACCOUNT}</Atomic><Get><CmdID>20</CmdID><Item><Target><LocURI>./DevInfo/DevId</LocURI></Target></Item></Get>
       <Sequence><CmdID>21</CmdID>${leaf('Replace', 22, './DMAcc/acme/Name', 'Seq')}</Sequence>`,
    );
    expect(value(tree, './DMAcc/acme/Name')).toBe('Seq');
    const na = plan.preview.groups.find((g) => g.group === 'not-applied')!.items.map((i) => i.sentence);
    expect(na).toEqual(['Not applied: Get ./DevInfo/DevId (a bootstrap applies only Add and Replace)']);
  });

  it('accepts connectivity as TNDS, replacing leaves that exist', async () => {
    const { tree } = await freshTree();
    const tnds = (addr: string) =>
      `<MgmtTree><VerDTD>1.2</VerDTD><Node><NodeName>boot</NodeName><Path>./Conn/NAP</Path><RTProperties><Format><node/></Format><Type><DDFName/></Type></RTProperties>` +
      `<Node><NodeName>NapId</NodeName><RTProperties><Format><chr/></Format><Type><MIME>text/plain</MIME></Type></RTProperties><Value>boot</Value></Node>` +
      `<Node><NodeName>Addr</NodeName><RTProperties><Format><chr/></Format><Type><MIME>text/plain</MIME></Type></RTProperties><Value>${addr}</Value></Node></Node></MgmtTree>`;
    const add = (addr: string) =>
      `<Add><CmdID>30</CmdID><Meta><Type xmlns="syncml:metinf">application/vnd.syncml.dmtnds+xml</Type></Meta><Item><Target><LocURI>.</LocURI></Target>` +
      `<Data><![CDATA[${tnds(addr)}]]></Data></Item></Add>`;
    await apply(tree, ACCOUNT + add('apn.one'));
    expect(value(tree, './Conn/NAP/boot/Addr')).toBe('apn.one');
    const again = await apply(tree, ACCOUNT + add('apn.two'));
    expect(value(tree, './Conn/NAP/boot/Addr')).toBe('apn.two');
    expect(again.preview.groups.map((g) => g.group)).toEqual(['dm-accounts', 'access-points']);
  });

  it('accepts a TNDS tree embedded as elements in Data (as a WBXML message carries it)', async () => {
    const { tree } = await freshTree();
    const leafNode = (name: string, v: string) =>
      `<Node><NodeName>${name}</NodeName><RTProperties><Format><chr/></Format><Type><MIME>text/plain</MIME></Type></RTProperties><Value>${v}</Value></Node>`;
    const mgmt =
      `<MgmtTree xmlns="syncml:dmddf1.2"><VerDTD>1.2</VerDTD><Node><NodeName>emb</NodeName><Path>./DMAcc</Path>` +
      `<RTProperties><Format><node/></Format><Type><DDFName/></Type></RTProperties>` +
      `${leafNode('AppID', 'w7')}${leafNode('ServerID', 'emb-dm')}${leafNode('Name', 'Embedded')}</Node></MgmtTree>`;
    const msg = message(
      `<Add><CmdID>1</CmdID><Meta><Type xmlns="syncml:metinf">application/vnd.syncml.dmtnds+xml</Type></Meta>` +
        `<Item><Target><LocURI>.</LocURI></Target><Data>${mgmt}</Data></Item></Add>`,
    );
    expect(
      Array.isArray(
        msg.SyncBody.commands[0]!.kind === 'Add' ? msg.SyncBody.commands[0]!.Items[0]!.Data : undefined,
      ),
    ).toBe(true);
    const plan = planDmBootstrap(msg, tree);
    expect((await tree.batch(DEVICE, plan.ops)).status).toBe(200);
    expect(value(tree, './DMAcc/emb/ServerID')).toBe('emb-dm');
    expect(plan.preview.groups[0]!.items[0]!.sentence).toBe('Adds DM account *Embedded* (ServerID emb-dm)');
    expect(plan.startSessions).toEqual([{ serverId: 'emb-dm', account: './DMAcc/emb', reason: 'bootstrap' }]);
  });

  it('refuses a message that sets no DM account, and items without a target', async () => {
    const { tree } = await freshTree();
    expect(() => planDmBootstrap(message(leaf('Add', 1, './MMS/x/Addr', 'http://m')), tree)).toThrow(
      DmBootstrapError,
    );
    expect(() =>
      planDmBootstrap(message('<Add><CmdID>1</CmdID><Item><Data>x</Data></Item></Add>'), tree),
    ).toThrow(/without Target/);
  });

  it('./Inbox is listed as not applied', async () => {
    const { tree } = await freshTree();
    const plan = planDmBootstrap(message(ACCOUNT + leaf('Add', 40, './Inbox/x/Foo', 'bar')), tree);
    expect(plan.preview.groups.find((g) => g.group === 'not-applied')!.items[0]!.sentence).toMatch(
      /^Not applied: Add \.\/Inbox\/x\/Foo/,
    );
  });
});

describe('the DM bootstrap push vector (test/vectors/cp/push-dm-bootstrap.hex)', () => {
  it('NETWPIN-checked, planned and applied through the pipeline', async () => {
    const { tree } = await freshTree();
    let r = receivePayload(toHex(vector('push-dm-bootstrap.hex')), {
      id: 'b1',
      receivedAt: T0,
      source: 'push',
      imsi: IMSI,
    });
    expect([r.kind, r.verdict, r.applicationId]).toEqual([
      'dm-bootstrap',
      'authentic',
      'x-wap-application:syncml.dm',
    ]);
    r = planProvisioning(r, tree);
    expect(r.status).toBe('awaiting-consent');
    expect(r.plan!.startSessions).toEqual([
      { serverId: 'example-dm', account: './DMAcc/example', reason: 'bootstrap' },
    ]);
    r = await applyPlan(r, tree, { at: T0 });
    expect(r.status).toBe('applied');
    expect(kids(tree, './DMAcc')).toEqual(['example']);
    expect(value(tree, './DMAcc/example/ServerID')).toBe('example-dm');
  });
});
