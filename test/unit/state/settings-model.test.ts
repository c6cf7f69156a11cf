import { describe, expect, it } from 'vitest';
import { DEVICE, LOCAL_USER, server } from '../../../src/core/tree/types.ts';
import {
  choiceBlocked,
  formProblems,
  initialValues,
  instanceFields,
  lockSentence,
  newInstanceName,
  saveOps,
  serverNames,
} from '../../../src/state/settings-model.ts';
import { mmsSummary } from '../../../src/state/app-summary.ts';
import { factoryTree, T0 } from '../tree/helpers.ts';

async function provisioned() {
  const env = await factoryTree();
  await env.tree.batch(DEVICE, [
    { op: 'add', uri: './DMAcc/op/ServerID', value: 'operator.example' },
    { op: 'add', uri: './DMAcc/op/Name', value: 'Example Operator' },
    { op: 'add', uri: './Conn/NAP/MMS_NAP/NapId', value: 'MMS_NAP' },
    { op: 'add', uri: './Conn/NAP/MMS_NAP/Addr', value: 'mms.example.net' },
    { op: 'add', uri: './Conn/PX/P1/ProxyId', value: 'P1' },
    { op: 'add', uri: './Conn/PX/P1/PxPhysical/1/PxAddr', value: '10.0.0.1' },
    { op: 'add', uri: './Conn/PX/P1/PxPhysical/1/Port/1/PortNbr', value: '8080' },
    { op: 'add', uri: './MMS/a/Name', value: 'Example MMS' },
    { op: 'add', uri: './MMS/a/Addr', value: 'http://mmsc.example.net/mms' },
    { op: 'add', uri: './MMS/a/ToProxy', value: './Conn/PX/P1' },
    { op: 'add', uri: './MMS/a/ConRef', value: './Conn/NAP/MMS_NAP' },
    { op: 'add', uri: './MMS/b/Addr', value: 'http://mmsc-b.example.net' },
    { op: 'replace', uri: './MMS/a?prop=Active', value: 'true' },
    { op: 'replace', uri: './MMS?prop=ACL', value: 'Add=*&Get=*&Replace=operator.example' },
  ]);
  return env;
}

describe('settings model', () => {
  it('builds MMS fields from the DDF with labels, kinds and stored values', async () => {
    const { tree } = await provisioned();
    const fields = instanceFields(tree, 'mms', './MMS/a');
    const addr = fields.find((f) => f.key === 'Addr')!;
    expect(addr).toMatchObject({ label: 'MMSC URL', kind: 'url', required: true, exists: true });
    expect(addr.value).toBe('http://mmsc.example.net/mms');
    expect(fields.find((f) => f.key === 'ConRef')?.kind).toBe('ref-nap');
    expect(fields.some((f) => f.key.startsWith('Ext'))).toBe(false);
  });

  it('expands repeated groups present in the tree, and offers one for a new proxy', async () => {
    const { tree } = await provisioned();
    const keys = instanceFields(tree, 'px', './Conn/PX/P1').map((f) => f.key);
    expect(keys).toContain('PxPhysical/1/PxAddr');
    expect(keys).toContain('PxPhysical/1/Port/1/PortNbr');
    const fresh = instanceFields(tree, 'px', null);
    expect(fresh.find((f) => f.key === 'PxPhysical/1/PxAddr')?.section).toBe('Physical proxy 1');
  });

  it('refuses a bad value next to its field and checks the NAP address by its type', async () => {
    const { tree } = await provisioned();
    const fields = instanceFields(tree, 'mms', './MMS/a');
    const values = { ...initialValues(fields), Addr: 'mmsc.example.net', MaxMsgSize: '0' };
    const problems = formProblems(fields, values);
    expect(Object.keys(problems).sort()).toEqual(['Addr', 'MaxMsgSize']);
    const nap = instanceFields(tree, 'nap', './Conn/NAP/MMS_NAP');
    const napValues = { ...initialValues(nap), AddrType: 'E164', Addr: 'mms.example.net' };
    expect(formProblems(nap, napValues)['Addr']).toMatch(/international number/);
  });

  it('turns an edit into one batch that the tree accepts as LOCAL_USER', async () => {
    const { tree } = await provisioned();
    const fields = instanceFields(tree, 'mms', './MMS/b');
    const values = {
      ...initialValues(fields),
      Name: 'Mine',
      Addr: 'http://mine.example/mms',
      MaxMsgSize: '300000',
    };
    const ops = saveOps('./MMS/b', fields, values, false);
    expect(ops).toEqual([
      { op: 'add', uri: './MMS/b/Name', format: 'chr', value: 'Mine' },
      { op: 'replace', uri: './MMS/b/Addr', value: 'http://mine.example/mms' },
      { op: 'add', uri: './MMS/b/MaxMsgSize', format: 'int', value: '300000' },
    ]);
    expect((await tree.batch(LOCAL_USER, ops)).status).toBe(200);
    expect(tree.get(LOCAL_USER, './MMS/b/MaxMsgSize').value).toBe('300000');
  });

  it('adds a new instance in one batch with a unique node name', async () => {
    const { tree } = await provisioned();
    const fields = instanceFields(tree, 'mms', null);
    const name = newInstanceName('My MMS!', ['a', 'b', 'My_MMS']);
    expect(name).toBe('My_MMS_2');
    const values = { ...initialValues(fields), Name: 'My MMS!', Addr: 'http://mine.example/mms' };
    const result = await tree.batch(LOCAL_USER, saveOps(`./MMS/${name}`, fields, values, true));
    expect(result.status).toBe(200);
    expect(tree.instances('./MMS').map((i) => i.name)).toEqual(['a', 'b', 'My_MMS_2']);
  });

  it('says who locked an instance and why the user cannot pick another', async () => {
    const { tree } = await provisioned();
    const locked = await tree.batch(
      server('operator.example'),
      [{ op: 'replace', uri: './MMS/a?prop=Locked', value: 'true' }],
      { origin: 'session 3' },
    );
    expect(locked.status).toBe(200);
    const names = serverNames(tree);
    const instances = tree.instances('./MMS');
    const a = instances.find((i) => i.name === 'a')!;
    expect(lockSentence(a.locked!, names, T0)).toMatch(
      /^Locked by Example Operator on 21 Nov, \d\d:42 \(session 3\)$/,
    );
    const b = instances.find((i) => i.name === 'b')!;
    expect(choiceBlocked(instances, b, 'active', names, (u) => u)).toMatch(
      /The operator locked the active choice/,
    );
    expect(choiceBlocked(instances, b, 'default', names, (u) => u)).toBeNull();
    expect((await tree.replace(LOCAL_USER, './MMS/b?prop=Active', { value: 'true' })).status).toBe(405);
  });

  it('summarises the Messages configuration and notices a missing access point', async () => {
    const { tree } = await provisioned();
    const s = mmsSummary(tree);
    expect(s.state).toBe('ready');
    expect(s.instance).toMatchObject({ name: 'Example MMS', via: 'active' });
    expect(s.rows.map((r) => r.value)).toContain('P1 (10.0.0.1:8080)');
    await tree.delete(LOCAL_USER, './Conn/NAP/MMS_NAP');
    const broken = mmsSummary(tree);
    expect(broken.state).toBe('incomplete');
    expect(broken.problems[0]).toMatch(/access point MMS_NAP, which is not on this phone/);
    await tree.batch(DEVICE, [{ op: 'delete', uri: './MMS/a' }]);
    expect(mmsSummary(tree).state).toBe('not-configured'); // b is neither Active nor Default
  });
});
