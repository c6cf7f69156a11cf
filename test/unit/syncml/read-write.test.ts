import { describe, expect, it } from 'vitest';
import type { XmlElement } from '../../../src/core/wbxml/document.ts';
import { element, opaque, text } from '../../../src/core/wbxml/document.ts';
import { readSyncML } from '../../../src/core/syncml/read.ts';
import { writeSyncML } from '../../../src/core/syncml/write.ts';
import { SyncMLError } from '../../../src/core/syncml/errors.ts';
import type { Alert, Exec, Get, Replace, Status, SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { miniXml } from './mini-xml.ts';

/** Package 1 as a DM 1.2 client writes it (shape of the spec example, oma-dm.md §3). */
const PACKAGE1 = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.2//EN" "http://www.openmobilealliance.org/tech/DTD/OMA-TS-DM_DTD-V1_2.dtd">
<SyncML xmlns="SYNCML:SYNCML1.2">
  <SyncHdr>
    <VerDTD>1.2</VerDTD>
    <VerProto>DM/1.2</VerProto>
    <SessionID>1A2B</SessionID>
    <MsgID>1</MsgID>
    <Target><LocURI>http://dm.example.com/manage</LocURI></Target>
    <Source><LocURI>IMEI:490154203237518</LocURI><LocName>handset</LocName></Source>
    <Cred>
      <Meta><Format xmlns="syncml:metinf">b64</Format><Type xmlns="syncml:metinf">syncml:auth-md5</Type></Meta>
      <Data>Zz6EivR3yeaaENcRN6lpAQ==</Data>
    </Cred>
    <Meta><MaxMsgSize xmlns="syncml:metinf">16384</MaxMsgSize><MaxObjSize xmlns="syncml:metinf">65536</MaxObjSize></Meta>
  </SyncHdr>
  <SyncBody>
    <Alert><CmdID>1</CmdID><Data>1200</Data></Alert>
    <Replace>
      <CmdID>2</CmdID>
      <Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Meta><Format xmlns="syncml:metinf">chr</Format></Meta><Data>IMEI:490154203237518</Data></Item>
      <Item><Source><LocURI>./DevInfo/Man</LocURI></Source><Data>Acme &amp; Sons</Data></Item>
    </Replace>
    <Final/>
  </SyncBody>
</SyncML>`;

/** Funambol-style package 2: no xmlns on SyncML, RespURI with ?sid, 401 + Chal, Get, Exec. */
const FUNAMBOL_PACKAGE2 = `<SyncML>
<SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1A2B</SessionID><MsgID>1</MsgID>
<Target><LocURI>IMEI:490154203237518</LocURI></Target><Source><LocURI>http://dm.example.com/manage</LocURI></Source>
<RespURI>http://dm.example.com/manage?sid=8F3C2A</RespURI></SyncHdr>
<SyncBody>
<Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd>
<TargetRef>http://dm.example.com/manage</TargetRef><SourceRef>IMEI:490154203237518</SourceRef>
<Chal><Meta><Type xmlns="syncml:metinf">syncml:auth-md5</Type><Format xmlns="syncml:metinf">b64</Format>
<NextNonce xmlns="syncml:metinf">bk9uQ0U=</NextNonce></Meta></Chal><Data>401</Data></Status>
<Status><CmdID>2</CmdID><MsgRef>1</MsgRef><CmdRef>1</CmdRef><Cmd>Alert</Cmd><Data>200</Data></Status>
<Get><CmdID>3</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>
<Exec><CmdID>4</CmdID><Correlator>abc123</Correlator><Item><Target><LocURI>./FUMO/Update</LocURI></Target><Data/></Item></Exec>
<Final></Final>
</SyncBody></SyncML>`;

function cmd<T>(msg: SyncMLMessage, index: number): T {
  return msg.SyncBody.commands[index] as T;
}

function expectSyncMLError(fn: () => unknown, code: string, path: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SyncMLError);
    expect((e as SyncMLError).code).toBe(code);
    expect((e as SyncMLError).details['path']).toBe(path);
    return;
  }
  expect.fail('expected a SyncMLError');
}

describe('readSyncML', () => {
  it('reads a client package 1 with Cred, Meta and DevInfo', () => {
    const msg = readSyncML(miniXml(PACKAGE1));
    expect(msg.warnings).toEqual([]);
    expect(msg.SyncHdr).toEqual({
      VerDTD: '1.2',
      VerProto: 'DM/1.2',
      SessionID: '1A2B',
      MsgID: '1',
      Target: { LocURI: 'http://dm.example.com/manage' },
      Source: { LocURI: 'IMEI:490154203237518', LocName: 'handset' },
      Cred: { Meta: { Format: 'b64', Type: 'syncml:auth-md5' }, Data: 'Zz6EivR3yeaaENcRN6lpAQ==' },
      Meta: { MaxMsgSize: 16384, MaxObjSize: 65536 },
    });
    expect(msg.SyncBody.Final).toBe(true);
    expect(msg.SyncBody.commands).toHaveLength(2);
    expect(cmd<Alert>(msg, 0)).toEqual({ kind: 'Alert', CmdID: '1', Data: 1200, Items: [] });
    const replace = cmd<Replace>(msg, 1);
    expect(replace.kind).toBe('Replace');
    expect(replace.Items[0]).toEqual({
      Source: { LocURI: './DevInfo/DevId' },
      Meta: { Format: 'chr' },
      Data: 'IMEI:490154203237518',
    });
    expect(replace.Items[1]?.Data).toBe('Acme & Sons');
  });

  it('reads a Funambol package 2 without xmlns: Chal, RespURI, Get, Exec with Correlator, <Final></Final>', () => {
    const msg = readSyncML(miniXml(FUNAMBOL_PACKAGE2));
    expect(msg.warnings).toEqual([]);
    expect(msg.SyncHdr.RespURI).toBe('http://dm.example.com/manage?sid=8F3C2A');
    const hdrStatus = cmd<Status>(msg, 0);
    expect(hdrStatus).toMatchObject({
      CmdRef: '0',
      Cmd: 'SyncHdr',
      MsgRef: '1',
      Data: 401,
      TargetRef: ['http://dm.example.com/manage'],
      SourceRef: ['IMEI:490154203237518'],
      Chal: { Meta: { Type: 'syncml:auth-md5', Format: 'b64', NextNonce: 'bk9uQ0U=' } },
    });
    expect(cmd<Status>(msg, 1)).toEqual({
      kind: 'Status',
      CmdID: '2',
      MsgRef: '1',
      CmdRef: '1',
      Cmd: 'Alert',
      TargetRef: [],
      SourceRef: [],
      Data: 200,
      Items: [],
    });
    expect(cmd<Get>(msg, 2).Items).toEqual([{ Target: { LocURI: './DevDetail/SwV' } }]);
    const exec = cmd<Exec>(msg, 3);
    expect(exec.Correlator).toBe('abc123');
    expect(exec.Items[0]?.Data).toBe('');
    expect(msg.SyncBody.Final).toBe(true);
  });

  it('accepts Correlator before or after Data in an Alert (libdmclient vs AOSP order)', () => {
    const wrap = (alert: string): string =>
      `<SyncML><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>2</MsgID>
       <Target><LocURI>s</LocURI></Target><Source><LocURI>c</LocURI></Source></SyncHdr><SyncBody>${alert}</SyncBody></SyncML>`;
    const before = readSyncML(
      miniXml(wrap('<Alert><CmdID>3</CmdID><Correlator>x1</Correlator><Data>1226</Data><Item/></Alert>')),
    );
    const after = readSyncML(
      miniXml(wrap('<Alert><CmdID>3</CmdID><Data>1226</Data><Correlator>x1</Correlator><Item/></Alert>')),
    );
    const expected: Alert = { kind: 'Alert', CmdID: '3', Data: 1226, Correlator: 'x1', Items: [{}] };
    expect(cmd<Alert>(before, 0)).toEqual(expected);
    expect(cmd<Alert>(after, 0)).toEqual(expected);
    expect(before.SyncBody.Final).toBe(false);
  });

  it('reads by local name: prefixes and any element order', () => {
    const doc = miniXml(`<s:SyncML xmlns:s="SYNCML:SYNCML1.2"><s:SyncBody><s:Final/></s:SyncBody>
      <s:SyncHdr><s:MsgID>7</s:MsgID><s:Source><s:LocURI>c</s:LocURI></s:Source><s:SessionID>FF</s:SessionID>
      <s:Target><s:LocURI>s</s:LocURI></s:Target><s:VerProto>DM/1.2</s:VerProto><s:VerDTD>1.2</s:VerDTD></s:SyncHdr></s:SyncML>`);
    const msg = readSyncML(doc);
    expect(msg.SyncHdr.MsgID).toBe('7');
    expect(msg.SyncHdr.SessionID).toBe('FF');
    expect(msg.SyncBody.Final).toBe(true);
  });

  it('keeps opaque Data as bytes and embedded elements as elements', () => {
    const tnds: XmlElement = element('MgmtTree', [], [element('VerDTD', [], [text('1.2')])]);
    const doc = miniXml(
      `<SyncML><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID>
       <Target><LocURI>c</LocURI></Target><Source><LocURI>s</LocURI></Source></SyncHdr><SyncBody>
       <Replace><CmdID>1</CmdID><Item><Target><LocURI>./A</LocURI></Target><Data><![CDATA[<x>&]]></Data></Item></Replace>
       <Add><CmdID>2</CmdID><Item><Target><LocURI>./Inbox</LocURI></Target><Data/></Item></Add>
       </SyncBody></SyncML>`,
      { cdataAsOpaque: true },
    );
    const add = doc.root.children.find((c): c is XmlElement => c.kind === 'element' && c.name === 'SyncBody');
    const dataEl = (
      add?.children.filter((c): c is XmlElement => c.kind === 'element')[1]?.children[1] as XmlElement
    ).children[1] as XmlElement;
    dataEl.children.push(tnds);
    const msg = readSyncML(doc);
    expect(cmd<Replace>(msg, 0).Items[0]?.Data).toEqual(new TextEncoder().encode('<x>&'));
    expect(cmd<Replace>(msg, 1).Items[0]?.Data).toEqual([tnds]);
  });

  it('reports unknown and DM-unused elements as warnings, with the CmdID of a skipped command', () => {
    const msg = readSyncML(
      miniXml(`<SyncML><SyncHdr><VerDTD>1.1</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID>
      <Target><LocURI>c</LocURI></Target><Source><LocURI>s</LocURI></Source><Foo>bar</Foo></SyncHdr><SyncBody>
      <Sync><CmdID>4</CmdID></Sync>
      <Get><CmdID>5</CmdID><Item><Target><LocURI>./A</LocURI></Target><Meta><Anchor xmlns="syncml:metinf"/></Meta></Item></Get>
      </SyncBody></SyncML>`),
    );
    expect(msg.warnings).toEqual([
      expect.objectContaining({ code: 'unexpected-value', path: 'SyncML/SyncHdr/VerDTD' }),
      expect.objectContaining({ code: 'unknown-element', path: 'SyncML/SyncHdr/Foo', element: 'Foo' }),
      expect.objectContaining({ code: 'not-used-in-dm', path: 'SyncML/SyncBody/Get/Item/Meta/Anchor' }),
      expect.objectContaining({
        code: 'not-used-in-dm',
        path: 'SyncML/SyncBody/Sync',
        element: 'Sync',
        CmdID: '4',
      }),
    ]);
    expect(msg.SyncBody.commands.map((c) => c.kind)).toEqual(['Get']);
  });

  it('reads Atomic and Sequence with nested commands', () => {
    const msg = readSyncML(
      miniXml(`<SyncML><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>3</MsgID>
      <Target><LocURI>c</LocURI></Target><Source><LocURI>s</LocURI></Source></SyncHdr><SyncBody>
      <Atomic><CmdID>1</CmdID>
        <Add><CmdID>2</CmdID><Meta><Format xmlns="syncml:metinf">node</Format></Meta><Item><Target><LocURI>./X</LocURI></Target></Item></Add>
        <Sequence><CmdID>3</CmdID><Delete><CmdID>4</CmdID><Item><Target><LocURI>./Y</LocURI></Target></Item></Delete></Sequence>
      </Atomic></SyncBody></SyncML>`),
    );
    expect(msg.warnings).toEqual([]);
    expect(msg.SyncBody.commands).toEqual([
      {
        kind: 'Atomic',
        CmdID: '1',
        commands: [
          { kind: 'Add', CmdID: '2', Meta: { Format: 'node' }, Items: [{ Target: { LocURI: './X' } }] },
          {
            kind: 'Sequence',
            CmdID: '3',
            commands: [{ kind: 'Delete', CmdID: '4', Items: [{ Target: { LocURI: './Y' } }] }],
          },
        ],
      },
    ]);
  });

  it('fails with a typed error and a path for missing mandatory parts', () => {
    expectSyncMLError(
      () => readSyncML(miniXml('<wap-provisioningdoc/>')),
      'syncml-not-syncml',
      'wap-provisioningdoc',
    );
    expectSyncMLError(
      () => readSyncML(miniXml('<SyncML><SyncBody/></SyncML>')),
      'syncml-missing-element',
      'SyncML/SyncHdr',
    );
    const hdr = (inner: string, body = ''): string =>
      `<SyncML><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>${inner}
       <Target><LocURI>c</LocURI></Target><Source><LocURI>s</LocURI></Source></SyncHdr><SyncBody>${body}</SyncBody></SyncML>`;
    expectSyncMLError(
      () => readSyncML(miniXml(hdr('<MsgID>1</MsgID>'))),
      'syncml-missing-element',
      'SyncML/SyncHdr/SessionID',
    );
    expectSyncMLError(
      () => readSyncML(miniXml(hdr('<SessionID> </SessionID><MsgID>1</MsgID>'))),
      'syncml-malformed',
      'SyncML/SyncHdr/SessionID',
    );
    const ok = '<SessionID>1</SessionID><MsgID>1</MsgID>';
    expectSyncMLError(
      () =>
        readSyncML(
          miniXml(
            hdr(
              ok,
              '<Get><CmdID>1</CmdID></Get><Status><CmdID>2</CmdID><MsgRef>1</MsgRef><Cmd>Get</Cmd><Data>200</Data></Status>',
            ),
          ),
        ),
      'syncml-missing-element',
      'SyncML/SyncBody/Status/CmdRef',
    );
    expectSyncMLError(
      () =>
        readSyncML(
          miniXml(
            hdr(
              ok,
              '<Alert><CmdID>1</CmdID><Data>1200</Data></Alert><Alert><CmdID>2</CmdID><Data>OK</Data></Alert>',
            ),
          ),
        ),
      'syncml-malformed',
      'SyncML/SyncBody/Alert[2]/Data',
    );
    expectSyncMLError(
      () =>
        readSyncML(
          miniXml(
            hdr(
              ok,
              '<Get><CmdID>1</CmdID><Item><Meta><Size xmlns="syncml:metinf">12k</Size></Meta></Item></Get>',
            ),
          ),
        ),
      'syncml-malformed',
      'SyncML/SyncBody/Get/Item/Meta/Size',
    );
  });
});

describe('writeSyncML', () => {
  it('writes the public id, the SyncML namespace and MetInf in syncml:metinf, in DTD order', () => {
    const msg = readSyncML(miniXml(FUNAMBOL_PACKAGE2));
    const doc = writeSyncML(msg);
    expect(doc.publicId).toBe('-//SYNCML//DTD SyncML 1.2//EN');
    expect(doc.root.attributes).toEqual([{ name: 'xmlns', value: 'SYNCML:SYNCML1.2' }]);
    const names = (el: XmlElement | undefined): string[] =>
      (el?.children ?? []).filter((c): c is XmlElement => c.kind === 'element').map((c) => c.name);
    const [hdr, body] = doc.root.children as XmlElement[];
    expect(names(hdr)).toEqual(['VerDTD', 'VerProto', 'SessionID', 'MsgID', 'Target', 'Source', 'RespURI']);
    expect(names(body)).toEqual(['Status', 'Status', 'Get', 'Exec', 'Final']);
    const status = body?.children[0] as XmlElement;
    expect(names(status)).toEqual([
      'CmdID',
      'MsgRef',
      'CmdRef',
      'Cmd',
      'TargetRef',
      'SourceRef',
      'Chal',
      'Data',
    ]);
    const chalMeta = (status.children[6] as XmlElement).children[0] as XmlElement;
    // MetInf DTD order: Format, Type, ..., NextNonce, whatever order it came in.
    expect(names(chalMeta)).toEqual(['Format', 'Type', 'NextNonce']);
    expect(chalMeta.children.map((c) => (c as XmlElement).namespace)).toEqual([
      'syncml:metinf',
      'syncml:metinf',
      'syncml:metinf',
    ]);
    expect(chalMeta.namespace).toBeUndefined();
    expect(names(body?.children[3] as XmlElement)).toEqual(['CmdID', 'Correlator', 'Item']);
  });

  it('writes Alert with Correlator after Data, and Data as text / opaque / elements', () => {
    const tnds = element('MgmtTree');
    const msg: SyncMLMessage = {
      SyncHdr: {
        VerDTD: '1.2',
        VerProto: 'DM/1.2',
        SessionID: '1',
        MsgID: '2',
        Target: { LocURI: 's' },
        Source: { LocURI: 'c' },
      },
      SyncBody: {
        commands: [
          { kind: 'Alert', CmdID: '1', Data: 1226, Correlator: 'c1', Items: [{ Data: 'done' }] },
          {
            kind: 'Replace',
            CmdID: '2',
            Items: [
              { Target: { LocURI: './A' }, Data: new Uint8Array([0, 1, 2]) },
              { Target: { LocURI: './B' }, Data: [tnds] },
              { Target: { LocURI: './C' }, Data: '', MoreData: true },
            ],
          },
        ],
        Final: false,
      },
    };
    const doc = writeSyncML(msg);
    const body = doc.root.children[1] as XmlElement;
    const alert = body.children[0] as XmlElement;
    expect(alert.children.map((c) => (c as XmlElement).name)).toEqual([
      'CmdID',
      'Data',
      'Correlator',
      'Item',
    ]);
    const replace = body.children[1] as XmlElement;
    const items = replace.children.slice(1) as XmlElement[];
    expect((items[0]?.children[1] as XmlElement).children).toEqual([opaque(new Uint8Array([0, 1, 2]))]);
    expect((items[1]?.children[1] as XmlElement).children).toEqual([tnds]);
    expect(items[2]?.children.map((c) => (c as XmlElement).name)).toEqual(['Target', 'Data', 'MoreData']);
    expect((items[2]?.children[1] as XmlElement).children).toEqual([]);
    expect(body.children).toHaveLength(2); // no Final
    // round trip keeps opaque as opaque
    const back = readSyncML(doc);
    delete back.warnings;
    expect(back).toEqual(msg);
  });

  it('round-trips the fixtures: read(write(read(x))) equals read(x)', () => {
    for (const src of [PACKAGE1, FUNAMBOL_PACKAGE2]) {
      const first = readSyncML(miniXml(src));
      const second = readSyncML(writeSyncML(first));
      expect(second).toEqual(first);
    }
  });
});
