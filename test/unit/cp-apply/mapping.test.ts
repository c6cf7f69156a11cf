/**
 * CP document → tree, applied to a real ManagementTree. Expected values come from the spec:
 * oma-cp.md §3 (cpclient's flattening of simplemms.xml: proxy 127.0.0.1:8080, APN
 * nap.address, MMSC http://mms.myoperator, name test), §5 (w7 → DMAcc table, APPSRV → CLCRED,
 * CLIENT → SRVCRED, ACL Get/Replace/Delete for the ServerID), §1.3 (TO-NAPID=INTERNET), and
 * the MO layouts of src/core/tree/mo (node names).
 */
import { describe, expect, it } from 'vitest';
import { MASK } from '../../../src/core/cp/preview.ts';
import { planCpDocument } from '../../../src/core/cp/to-tree.ts';
import { ddfFor } from '../../../src/core/tree/mo/index.ts';
import { DEVICE, type TreeOp } from '../../../src/core/tree/types.ts';
import type { ManagementTree } from '../../../src/core/tree/tree.ts';
import { CPCLIENT, LIBWBXML, cpDoc, freshTree, kids, prov, sample, value } from './helpers.ts';

async function provision(tree: ManagementTree, xml: string, origin = 'msg-1') {
  const plan = planCpDocument(cpDoc(xml), tree);
  const result = await tree.batch(DEVICE, plan.ops, { origin });
  expect(result.reason).toBeUndefined();
  expect(result.status).toBe(200);
  return plan;
}

function sentences(plan: ReturnType<typeof planCpDocument>): string[] {
  return plan.preview.groups.flatMap((g) => g.items.map((i) => i.sentence));
}

describe('every planned node is one the MO layouts describe', () => {
  for (const path of [...LIBWBXML, ...CPCLIENT]) {
    it(path, async () => {
      const { tree } = await freshTree();
      const plan = planCpDocument(cpDoc(sample(path)), tree);
      for (const op of plan.ops) {
        const uri = op.uri.split('?')[0]!;
        const segments = uri.slice(2).split('/');
        const ext = segments.indexOf('Ext');
        const described = ddfFor(ext >= 0 ? segments.slice(0, ext + 1) : segments);
        expect(described, `${op.op} ${op.uri}`).toBeDefined();
        if (op.op === 'add' && op.format !== 'node' && ext < 0)
          expect(described!.format, op.uri).not.toBe('node');
      }
      const result = await tree.batch(DEVICE, plan.ops, { origin: path });
      expect(result.reason).toBeUndefined();
    });
  }
});

describe('MMS (w4) [oma-cp.md §3]', () => {
  it('simplemms.xml: MMSC, proxy and APN as in cpclient’s flattening, reached through PXPHYSICAL TO-NAPID', async () => {
    const { tree } = await freshTree();
    const plan = await provision(tree, sample('intel-cpclient/simplemms.xml'));
    const mms = kids(tree, './MMS');
    expect(mms).toHaveLength(1);
    const x = `./MMS/${mms[0]}`;
    expect(value(tree, `${x}/Addr`)).toBe('http://mms.myoperator');
    expect(value(tree, `${x}/AppId`)).toBe('w4');
    expect(value(tree, `${x}/Name`)).toBe('test'); // §3: name = the NAPDEF's NAME
    const px = value(tree, `${x}/ToProxy`)!;
    expect(value(tree, `${px}/ProxyId`)).toBe('logical');
    const phys = kids(tree, `${px}/PxPhysical`);
    expect(value(tree, `${px}/PxPhysical/${phys[0]}/PxAddr`)).toBe('127.0.0.1');
    expect(value(tree, `${px}/PxPhysical/${phys[0]}/Port/1/PortNbr`)).toBe('8080');
    const nap = value(tree, `${x}/ConRef`)!;
    expect(value(tree, `${nap}/Addr`)).toBe('nap.address');
    expect(value(tree, `${nap}/AddrType`)).toBe('APN');
    expect(value(tree, `${nap}/NapId`)).toBe('nd1');
    expect(value(tree, `${px}/PxPhysical/${phys[0]}/ToNapId`)).toBe(nap);
    expect(tree.instances('./MMS').map((i) => i.active)).toEqual([true]);
    expect(plan.preview.groups.map((g) => g.group)).toEqual(['mms', 'access-points', 'proxies']);
  });

  it('internetmms.xml: the same, and the NAPDEF carries INTERNET', async () => {
    const { tree } = await freshTree();
    await provision(tree, sample('intel-cpclient/internetmms.xml'));
    const x = `./MMS/${kids(tree, './MMS')[0]}`;
    const nap = value(tree, `${x}/ConRef`)!;
    expect(value(tree, `${nap}/Internet`)).toBe('true');
    expect(tree.record(`${nap}/Internet`)?.format).toBe('bool');
    expect(value(tree, `${x}/Addr`)).toBe('http://mms.myoperator');
  });

  it('prov-008: a w4 with ADDR only takes its access point from the ACCESS rule naming APPID w4', async () => {
    const { tree } = await freshTree();
    const plan = await provision(tree, sample('libwbxml/prov-008.xml'));
    const x = `./MMS/${kids(tree, './MMS')[0]}`;
    expect(value(tree, `${x}/Name`)).toBe('Corporate MMS');
    expect(value(tree, `${x}/Addr`)).toBe('http://mms.corporate.com/mmsc');
    expect(value(tree, `${value(tree, `${x}/ConRef`)!}/NapId`)).toBe('NAP2');
    expect(value(tree, `${x}/ToProxy`)).toBeUndefined();
    // ACCESS1 was used; ACCESS2 (TO-PROXY only, no APPID) is listed as not applied.
    const notApplied = plan.preview.groups
      .find((g) => g.group === 'not-applied')!
      .items.map((i) => i.sentence);
    expect(notApplied).toEqual(['Not applied: access rule *ACCESS2*']);
  });

  it('Document A (oma-cp.md §10) gives the storyboard sentence', async () => {
    const { tree } = await freshTree();
    const xml = prov(`
      <characteristic type="NAPDEF"><parm name="NAPID" value="MMS_NAP"/><parm name="BEARER" value="GSM-GPRS"/><parm name="NAME" value="Example MMS"/>
        <parm name="NAP-ADDRESS" value="mms.example.net"/><parm name="NAP-ADDRTYPE" value="APN"/>
        <characteristic type="NAPAUTHINFO"><parm name="AUTHTYPE" value="PAP"/><parm name="AUTHNAME" value="mms"/><parm name="AUTHSECRET" value="mms"/></characteristic></characteristic>
      <characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="mmsproxy"/><parm name="NAME" value="MMS Proxy"/>
        <characteristic type="PXPHYSICAL"><parm name="PHYSICAL-PROXY-ID" value="PX1"/><parm name="PXADDR" value="10.0.0.10"/><parm name="PXADDRTYPE" value="IPV4"/>
          <parm name="TO-NAPID" value="MMS_NAP"/><characteristic type="PORT"><parm name="PORTNBR" value="8080"/></characteristic></characteristic></characteristic>
      <characteristic type="APPLICATION"><parm name="APPID" value="w4"/><parm name="NAME" value="Example MMS"/><parm name="TO-PROXY" value="mmsproxy"/>
        <parm name="ADDR" value="http://mmsc.example.net/mms"/></characteristic>`);
    const plan = await provision(tree, xml);
    expect(sentences(plan)[0]).toBe(
      'Adds MMS settings *Example MMS* (MMSC http://mmsc.example.net/mms, via access point *MMS_NAP*)',
    );
    expect(plan.preview.groups[0]!.items[0]!.becomesActive).toBe(true);
    expect(plan.preview.summary).toBe('Adds 1 MMS settings, 1 access point and 1 proxy');
  });

  it('a new instance becomes Active only when no other instance is Active', async () => {
    const { tree } = await freshTree();
    await provision(tree, sample('intel-cpclient/simplemms.xml'), 'm1');
    const plan = await provision(
      tree,
      prov(
        `<characteristic type="APPLICATION"><parm name="APPID" value="w4"/><parm name="NAME" value="Second"/><parm name="ADDR" value="http://mmsc2"/></characteristic>`,
      ),
      'm2',
    );
    expect(tree.instances('./MMS').map((i) => [i.name, i.active])).toEqual([
      ['test', true],
      ['Second', false],
    ]);
    expect(plan.ops.some((op) => op.uri.endsWith('?prop=Active'))).toBe(false);
    // With the Active flag cleared, the next new instance becomes Active.
    await tree.batch(DEVICE, [{ op: 'replace', uri: './MMS/test?prop=Active', value: 'false' }]);
    await provision(
      tree,
      prov(
        `<characteristic type="APPLICATION"><parm name="APPID" value="w4"/><parm name="NAME" value="Third"/><parm name="ADDR" value="http://mmsc3"/></characteristic>`,
      ),
      'm3',
    );
    expect(tree.instances('./MMS').find((i) => i.active)?.name).toBe('Third');
  });

  it('instance names: readable, sanitised, a numeric suffix on clash', async () => {
    const { tree } = await freshTree();
    const app = (provider: string) =>
      prov(`<characteristic type="APPLICATION"><parm name="APPID" value="w4"/><parm name="PROVIDER-ID" value="${provider}"/>
        <parm name="NAME" value="Op MMS / 2G"/><parm name="ADDR" value="http://m"/></characteristic>`);
    await provision(tree, app('a'), 'm1');
    await provision(tree, app('b'), 'm2');
    expect(kids(tree, './MMS')).toEqual(['Op_MMS_2G', 'Op_MMS_2G-2']);
  });

  it('re-sending the same MMS document replaces its instance instead of duplicating it', async () => {
    const { tree } = await freshTree();
    await provision(tree, sample('intel-cpclient/simplemms.xml'), 'm1');
    const again = await provision(tree, sample('intel-cpclient/simplemms.xml'), 'm2');
    expect(kids(tree, './MMS')).toHaveLength(1);
    expect(kids(tree, './Conn/NAP')).toHaveLength(1);
    expect(kids(tree, './Conn/PX')).toHaveLength(1);
    expect(again.preview.groups.flatMap((g) => g.items.map((i) => i.action))).toEqual([
      'replace',
      'replace',
      'replace',
    ]);
    expect(tree.instances('./MMS')[0]!.active).toBe(true); // flags kept
  });
});

describe('TO-NAPID=INTERNET [oma-cp.md §1.3]', () => {
  const phys = (to: string) =>
    `<characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="p"/><parm name="NAME" value="p"/><characteristic type="PXPHYSICAL">
      <parm name="PHYSICAL-PROXY-ID" value="x"/><parm name="PXADDR" value="1.1.1.1"/>${to}</characteristic></characteristic>`;

  it('resolves to a NAPDEF of the document that has the INTERNET parameter', async () => {
    const { tree } = await freshTree();
    await provision(
      tree,
      prov(`<characteristic type="NAPDEF"><parm name="NAPID" value="web"/><parm name="NAME" value="w"/><parm name="NAP-ADDRESS" value="internet"/><parm name="INTERNET"/></characteristic>
        ${phys('<parm name="TO-NAPID" value="INTERNET"/>')}`),
    );
    expect(value(tree, './Conn/PX/p/PxPhysical/x/ToNapId')).toBe('./Conn/NAP/web');
  });

  it('prov-001: no INTERNET NAPDEF anywhere, so the next TO-NAPID (NAP1) is used and INTERNET is listed', async () => {
    const { tree } = await freshTree();
    const plan = await provision(tree, sample('libwbxml/prov-001.xml'));
    const px = `./Conn/PX/${kids(tree, './Conn/PX')[0]}`;
    const ph = kids(tree, `${px}/PxPhysical`)[0];
    expect(value(tree, `${px}/PxPhysical/${ph}/ToNapId`)).toBe('./Conn/NAP/NAP1');
    const proxyItem = plan.preview.groups.find((g) => g.group === 'proxies')!.items[0]!;
    expect(proxyItem.notApplied).toContain('PXLOGICAL[1]/PXPHYSICAL[1] TO-NAPID=INTERNET');
  });

  it('prov-001 on a handset that already has an INTERNET access point resolves to it', async () => {
    const { tree } = await freshTree();
    await provision(
      tree,
      prov(
        `<characteristic type="NAPDEF"><parm name="NAPID" value="web"/><parm name="NAME" value="w"/><parm name="NAP-ADDRESS" value="internet"/><parm name="INTERNET"/></characteristic>`,
      ),
      'm1',
    );
    await provision(tree, sample('libwbxml/prov-001.xml'), 'm2');
    const px = `./Conn/PX/${kids(tree, './Conn/PX')[0]}`;
    const ph = kids(tree, `${px}/PxPhysical`)[0];
    expect(value(tree, `${px}/PxPhysical/${ph}/ToNapId`)).toBe('./Conn/NAP/web');
  });
});

describe('w7 → DMAcc [oma-cp.md §5]', () => {
  it('omadm.xml: ServerID, Name, AppAddr with port, APPSRV → CLCRED and CLIENT → SRVCRED, ACL for the ServerID', async () => {
    const { tree } = await freshTree();
    const plan = await provision(tree, sample('intel-cpclient/omadm.xml'));
    const accounts = kids(tree, './DMAcc');
    expect(accounts).toHaveLength(1);
    const a = `./DMAcc/${accounts[0]}`;
    expect(value(tree, `${a}/AppID`)).toBe('w7');
    expect(value(tree, `${a}/ServerID`)).toBe('dmserver');
    expect(value(tree, `${a}/Name`)).toBe('DM Server');
    expect(value(tree, `${a}/AppAddr/1/Addr`)).toBe('http://127.0.0.1/dm');
    expect(value(tree, `${a}/AppAddr/1/AddrType`)).toBe('URI');
    expect(value(tree, `${a}/AppAddr/1/Port/1/PortNbr`)).toBe('8080');
    const auth = kids(tree, `${a}/AppAuth`).map((n) => ({
      level: value(tree, `${a}/AppAuth/${n}/AAuthLevel`),
      type: value(tree, `${a}/AppAuth/${n}/AAuthType`),
      name: value(tree, `${a}/AppAuth/${n}/AAuthName`),
      secret: value(tree, `${a}/AppAuth/${n}/AAuthSecret`),
    }));
    expect(auth).toEqual([
      { level: 'CLCRED', type: 'DIGEST', name: 'username', secret: 'password' },
      { level: 'SRVCRED', type: 'DIGEST', name: 'username', secret: 'password' },
    ]);
    expect(tree.get(DEVICE, `${a}/AppAuth/1/AAuthSecret`).status).toBe(405); // never returned by Get
    const acl = tree.get(DEVICE, `${a}?prop=ACL`).value!;
    expect(acl.split('&').sort()).toEqual(['Delete=dmserver', 'Get=dmserver', 'Replace=dmserver']);
    expect(tree.get({ kind: 'server', serverId: 'dmserver' }, `${a}/ServerID`).status).toBe(200);
    expect(tree.get({ kind: 'server', serverId: 'other' }, `${a}/ServerID`).status).toBe(425);
    expect(plan.startSessions).toEqual([]); // no INIT
    expect(sentences(plan)).toEqual([
      'Adds DM account *DM Server* (server http://127.0.0.1/dm, ServerID dmserver)',
    ]);
  });

  const w7 = (extra = '', secret = 'pw1') =>
    prov(`<characteristic type="NAPDEF"><parm name="NAPID" value="dmnap"/><parm name="NAME" value="DM access"/><parm name="NAP-ADDRESS" value="dm.apn"/></characteristic>
      <characteristic type="APPLICATION"><parm name="APPID" value="w7"/><parm name="PROVIDER-ID" value="op-dm"/><parm name="NAME" value="Operator DM"/>
        <parm name="TO-NAPID" value="dmnap"/><parm name="INIT"/>${extra}
        <characteristic type="APPADDR"><parm name="ADDR" value="https://dm.op.example/dm"/><parm name="ADDRTYPE" value="IPV4"/></characteristic>
        <characteristic type="APPAUTH"><parm name="AAUTHLEVEL" value="APPSRV"/><parm name="AAUTHTYPE" value="syncml:auth-md5"/><parm name="AAUTHNAME" value="dev"/>
          <parm name="AAUTHSECRET" value="${secret}"/><parm name="AAUTHDATA" value="nonce"/></characteristic>
        <characteristic type="APPAUTH"><parm name="AAUTHLEVEL" value="CLIENT"/><parm name="AAUTHTYPE" value="HTTP-DIGEST"/><parm name="AAUTHNAME" value="srv"/>
          <parm name="AAUTHSECRET" value="srvpw"/></characteristic></characteristic>`);

  it('TO-NAPID → PrefConRef; INIT → a session to start; every MO of the document grants the ServerID', async () => {
    const { tree } = await freshTree();
    const plan = await provision(tree, w7());
    const a = './DMAcc/op-dm';
    expect(value(tree, `${a}/PrefConRef`)).toBe('./Conn/NAP/dmnap');
    expect(value(tree, `${a}/ToConRef/1/ConRef`)).toBe('./Conn/NAP/dmnap');
    expect(value(tree, `${a}/AppAddr/1/AddrType`)).toBe('IPv4');
    expect(value(tree, `${a}/AppAuth/1/AAuthType`)).toBe('DIGEST'); // syncml:auth-md5
    expect(value(tree, `${a}/AppAuth/2/AAuthType`)).toBe('HTTP-DIGEST');
    expect(tree.record(`${a}/AppAuth/1/AAuthData`)?.format).toBe('bin');
    expect(plan.startSessions).toEqual([{ serverId: 'op-dm', account: a, reason: 'INIT' }]);
    expect(tree.get(DEVICE, './Conn/NAP/dmnap?prop=ACL').value!.split('&').sort()).toEqual([
      'Delete=op-dm',
      'Get=op-dm',
      'Replace=op-dm',
    ]);
  });

  it('re-provisioning the same ServerID replaces that account in place', async () => {
    const { tree } = await freshTree();
    await provision(tree, w7(), 'm1');
    await provision(tree, w7('', 'pw2'), 'm2');
    expect(kids(tree, './DMAcc')).toEqual(['op-dm']);
    expect(value(tree, './DMAcc/op-dm/AppAuth/1/AAuthSecret')).toBe('pw2');
    expect(kids(tree, './DMAcc/op-dm/AppAuth')).toEqual(['1', '2']);
    // The ServerID stays in the ACLs (the account was not lost in between).
    expect(tree.get(DEVICE, './DMAcc/op-dm?prop=ACL').value).toContain('Get=op-dm');
  });

  it('never shows secrets in the preview', async () => {
    const { tree } = await freshTree();
    const plan = planCpDocument(cpDoc(w7()), tree);
    const text = JSON.stringify(plan.preview);
    for (const secret of ['pw1', 'srvpw', 'nonce']) expect(text).not.toContain(secret);
    expect(text).toContain(MASK);
  });
});

describe('PoC (ap0001 / ap0006), decision 0064', () => {
  // Generic parameters from oma-cp.md §1.3 (NAME, PROVIDER-ID, TO-NAPID, APPADDR/ADDR, APPAUTH);
  // CONF-FACTORY-URI, XDMS-ROOT-URI, PUBLIC-USER-ID are project names (§4: PoC parameters unknown),
  // TO-APPREF is from Kannel's tables (§1.4, unconfirmed).
  const poc =
    prov(`<characteristic type="NAPDEF"><parm name="NAPID" value="poc_nap"/><parm name="NAME" value="PoC APN"/><parm name="NAP-ADDRESS" value="poc.apn"/>
      <parm name="NAP-ADDRTYPE" value="APN"/></characteristic>
    <characteristic type="APPLICATION"><parm name="APPID" value="ap0001"/><parm name="PROVIDER-ID" value="op-poc"/><parm name="NAME" value="Example PTT"/>
      <parm name="TO-NAPID" value="poc_nap"/><parm name="CONF-FACTORY-URI" value="sip:conf@poc.example.net"/>
      <parm name="XDMS-ROOT-URI" value="https://xdms.example.net/"/><parm name="PUBLIC-USER-ID" value="sip:alice@example.net"/><parm name="TO-APPREF" value="ims1"/>
      <characteristic type="APPADDR"><parm name="ADDR" value="sip:poc.example.net"/></characteristic>
      <characteristic type="APPAUTH"><parm name="AAUTHTYPE" value="DIGEST"/><parm name="AAUTHNAME" value="alice"/><parm name="AAUTHSECRET" value="s3cret"/></characteristic>
    </characteristic>`);

  it('maps to a ./PoC instance, Active, with its connectivity', async () => {
    const { tree } = await freshTree();
    const plan = await provision(tree, poc);
    const x = './PoC/Example_PTT';
    expect(kids(tree, './PoC')).toEqual(['Example_PTT']);
    expect(value(tree, `${x}/AppId`)).toBe('ap0001');
    expect(value(tree, `${x}/ProviderId`)).toBe('op-poc');
    expect(value(tree, `${x}/Addr`)).toBe('sip:poc.example.net');
    expect(value(tree, `${x}/ConfFactoryUri`)).toBe('sip:conf@poc.example.net');
    expect(value(tree, `${x}/XdmsRootUri`)).toBe('https://xdms.example.net/');
    expect(value(tree, `${x}/PublicUserId`)).toBe('sip:alice@example.net');
    expect(value(tree, `${x}/ToAppRef`)).toBe('ims1');
    expect(value(tree, `${x}/ConRef`)).toBe('./Conn/NAP/poc_nap');
    expect(value(tree, `${x}/AppAuth/1/AAuthName`)).toBe('alice');
    expect(value(tree, `${x}/AppAuth/1/AAuthSecret`)).toBe('s3cret');
    expect(tree.instances('./PoC')[0]!.active).toBe(true);
    expect(sentences(plan)[0]).toBe(
      'Adds Push-to-talk settings *Example PTT* (server sip:poc.example.net, via access point *poc_nap*)',
    );
    expect(JSON.stringify(plan.preview)).not.toContain('s3cret');
  });

  it('ap0006 (PoC 2.0) maps the same way', async () => {
    const { tree } = await freshTree();
    await provision(tree, poc.replace('ap0001', 'ap0006'));
    expect(value(tree, './PoC/Example_PTT/AppId')).toBe('ap0006');
  });
});

describe('not applied', () => {
  it('email.xml, bookmarks.xml, data-sync.xml change nothing and list their applications', async () => {
    const cases: [string, string[]][] = [
      [
        'intel-cpclient/email.xml',
        [
          'Not applied: e-mail (POP3) (APPID 110) *Local Email*: this handset has no such application',
          'Not applied: e-mail sending (SMTP) (APPID 25) *Local Email*: this handset has no such application',
        ],
      ],
      [
        'intel-cpclient/bookmarks.xml',
        ['Not applied: browser bookmarks (APPID w2): this handset has no such application'],
      ],
      [
        'intel-cpclient/data-sync.xml',
        [
          'Not applied: data synchronisation (OMA DS) (APPID w5) *Data Sync Account*: this handset has no such application',
        ],
      ],
    ];
    for (const [path, expected] of cases) {
      const { tree } = await freshTree();
      const plan = planCpDocument(cpDoc(sample(path)), tree);
      expect(plan.ops).toEqual([]);
      expect(sentences(plan)).toEqual(expected);
      expect(JSON.stringify(plan.preview)).not.toContain('password');
    }
  });

  it('lists NAPDEF parameters the MO has no node for; VALIDITY goes under Ext/Validity (decision 0060)', async () => {
    const { tree } = await freshTree();
    const plan = await provision(tree, sample('libwbxml/prov-001.xml'));
    const nap = plan.preview.groups.find((g) => g.group === 'access-points')!.items[0]!;
    expect(nap.notApplied).toEqual(['CALLTYPE=ANALOG-MODEM']);
    expect(value(tree, './Conn/NAP/NAP1/Ext/Validity/1/Country')).toBe('228');
    expect(value(tree, './Conn/NAP/NAP1/Ext/Validity/1/Network')).toBe('001');
    expect(value(tree, './Conn/NAP/NAP1/AuthInfo/1/AuthSecret')).toBe('wwwmmmsecret');
    expect(nap.sentence).toBe(
      `Adds access point *NAP1* (MY ISP CSD, +35808124002, GSM-CSD, user wwwmmmuser, password ${MASK})`,
    );
  });

  it('an invalid document is refused before any op is planned', async () => {
    const { tree } = await freshTree();
    expect(() =>
      planCpDocument(
        cpDoc(prov('<characteristic type="NAPDEF"><parm name="NAME" value="x"/></characteristic>')),
        tree,
      ),
    ).toThrow(/NAPDEF\[1\]: missing NAPID/);
  });
});

describe('ops are data', () => {
  it('contain no functions or class instances besides bytes (inbox-safe)', async () => {
    const { tree } = await freshTree();
    const plan = planCpDocument(cpDoc(sample('libwbxml/prov-003.xml')), tree);
    const copy = structuredClone(plan) as { ops: TreeOp[] };
    expect(copy.ops).toEqual(plan.ops);
  });
});
