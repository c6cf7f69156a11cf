/**
 * Active / Default / Locked are project-defined (spec/active-default-locked.md; decision 0021).
 * Expectations below follow the definitions table of that note and the decision record.
 */
import { describe, expect, it } from 'vitest';
import { DEVICE, LOCAL_USER, server } from '../../../src/core/tree/types.ts';
import { factoryTree, T0 } from './helpers.ts';

const OP = server('operator.example');
const OTHER = server('other.example');

async function twoMmsInstances() {
  const env = await factoryTree();
  await env.tree.batch(DEVICE, [
    { op: 'add', uri: './MMS/a/Addr', value: 'http://mmsc-a.example.net' },
    { op: 'add', uri: './MMS/b/Addr', value: 'http://mmsc-b.example.net' },
    { op: 'replace', uri: './MMS?prop=ACL', value: 'Add=*&Get=*&Replace=operator.example' },
  ]);
  return env;
}

describe('Active / Default / Locked (decision 0021)', () => {
  it('normal flow: the server sets an instance Active; at most one Active per MO', async () => {
    const { tree } = await twoMmsInstances();
    expect((await tree.replace(OP, './MMS/a?prop=Active', { value: 'true' })).status).toBe(200);
    expect(tree.get(OP, './MMS?prop=Active').value).toBe('a');
    expect((await tree.replace(OP, './MMS/b?prop=Active', { value: 'true' })).status).toBe(200);
    expect(tree.get(OP, './MMS/a?prop=Active').value).toBe('false');
    expect(tree.get(OP, './MMS?prop=Active').value).toBe('b');
  });

  it('setting one true clears the others in the same batch', async () => {
    const { tree } = await twoMmsInstances();
    const r = await tree.batch(OP, [
      { op: 'replace', uri: './MMS/a?prop=Default', value: 'true' },
      { op: 'replace', uri: './MMS/b?prop=Default', value: 'true' },
    ]);
    expect(r.status).toBe(200);
    expect(tree.instances('./MMS').map((i) => [i.name, i.default])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('the handset uses Active, else Default, else none', async () => {
    const { tree } = await twoMmsInstances();
    expect(tree.effectiveInstance('./MMS')).toBeUndefined();
    await tree.replace(OP, './MMS/b?prop=Default', { value: 'true' });
    expect(tree.effectiveInstance('./MMS')?.name).toBe('b');
    await tree.replace(OP, './MMS/a?prop=Active', { value: 'true' });
    expect(tree.effectiveInstance('./MMS')?.uri).toBe('./MMS/a');
  });

  it('subject to the ACL: Replace on the instance (425 otherwise); Get right for Get', async () => {
    const { tree } = await twoMmsInstances();
    expect((await tree.replace(OTHER, './MMS/a?prop=Active', { value: 'true' })).status).toBe(425);
    await tree.replace(DEVICE, './MMS/b?prop=ACL', {
      value: 'Get=operator.example&Replace=operator.example',
    });
    expect(tree.get(OTHER, './MMS/b?prop=Locked').status).toBe(425);
    expect(tree.get(OP, './MMS/b?prop=Locked').value).toBe('false');
  });

  it('Locked records who and when and the origin; the user can then neither edit nor delete', async () => {
    const { tree } = await twoMmsInstances();
    const r = await tree.batch(
      OP,
      [
        { op: 'replace', uri: './MMS/a?prop=Active', value: 'true' },
        { op: 'replace', uri: './MMS/a?prop=Default', value: 'true' },
        { op: 'replace', uri: './MMS/a?prop=Locked', value: 'true' },
      ],
      { origin: 'session 3' },
    );
    expect(r.status).toBe(200);
    expect(tree.instances('./MMS')[0]?.locked).toEqual({ by: OP, at: T0, origin: 'session 3' });
    expect(tree.get(OP, './MMS?prop=Locked').value).toBe('a');
    expect((await tree.replace(LOCAL_USER, './MMS/a/Addr', { value: 'http://evil' })).status).toBe(405);
    expect((await tree.replace(LOCAL_USER, './MMS/a/Addr?prop=Title', { value: 't' })).status).toBe(405);
    expect((await tree.add(LOCAL_USER, './MMS/a/Name', { value: 'n' })).status).toBe(405);
    expect((await tree.delete(LOCAL_USER, './MMS/a')).status).toBe(405);
    expect((await tree.replace(LOCAL_USER, './MMS/a?prop=Locked', { value: 'false' })).status).toBe(405);
    // A DM server with the right ACL still can.
    expect((await tree.replace(OP, './MMS/a/Addr', { value: 'http://new' })).status).toBe(200);
    // The device bypasses Locked.
    expect((await tree.replace(DEVICE, './MMS/a/Addr', { value: 'http://dev' })).status).toBe(200);
  });

  it('a Locked Active instance also locks the user out of choosing another Active (decision 0021)', async () => {
    const { tree } = await twoMmsInstances();
    await tree.batch(OP, [
      { op: 'replace', uri: './MMS/a?prop=Active', value: 'true' },
      { op: 'replace', uri: './MMS/a?prop=Locked', value: 'true' },
    ]);
    expect((await tree.replace(LOCAL_USER, './MMS/b?prop=Active', { value: 'true' })).status).toBe(405);
    // Default is held by nobody, so the user may choose it.
    expect((await tree.replace(LOCAL_USER, './MMS/b?prop=Default', { value: 'true' })).status).toBe(200);
    // The user can edit the unlocked instance and delete it.
    expect((await tree.replace(LOCAL_USER, './MMS/b/Addr', { value: 'http://mine' })).status).toBe(200);
    expect((await tree.delete(LOCAL_USER, './MMS/b')).status).toBe(200);
  });

  it('ACLs do not apply to the local user', async () => {
    const { tree } = await twoMmsInstances();
    await tree.replace(DEVICE, './MMS/a?prop=ACL', { value: 'Get=operator.example' });
    expect((await tree.replace(LOCAL_USER, './MMS/a/Addr', { value: 'http://mine' })).status).toBe(200);
  });

  it('values are "true" / "false" (400 otherwise); the flags are 406 on non-instances', async () => {
    const { tree } = await twoMmsInstances();
    expect((await tree.replace(OP, './MMS/a?prop=Active', { value: 'yes' })).status).toBe(400);
    expect((await tree.replace(DEVICE, './DevInfo?prop=Active', { value: 'true' })).status).toBe(406);
    expect(tree.get(OP, './MMS/a/Addr?prop=Default').status).toBe(406);
  });

  it('the MO root answers and accepts the instance name', async () => {
    const { tree } = await twoMmsInstances();
    expect(tree.get(OP, './MMS?prop=Default').value).toBe('');
    expect((await tree.replace(OP, './MMS?prop=Default', { value: 'b' })).status).toBe(200);
    expect(tree.get(OP, './MMS?prop=Default').value).toBe('b');
    expect((await tree.replace(OP, './MMS?prop=Default', { value: 'zzz' })).status).toBe(404);
    expect((await tree.replace(OP, './MMS?prop=Default', { value: '' })).status).toBe(200);
    expect(tree.effectiveInstance('./MMS')).toBeUndefined();
  });

  it('the flags survive a rename and vanish with a delete', async () => {
    const { tree } = await twoMmsInstances();
    await tree.replace(OP, './MMS/a?prop=Active', { value: 'true' });
    await tree.replace(DEVICE, './MMS/a?prop=Name', { value: 'renamed' });
    expect(tree.effectiveInstance('./MMS')?.uri).toBe('./MMS/renamed');
    await tree.delete(DEVICE, './MMS/renamed');
    expect(tree.effectiveInstance('./MMS')).toBeUndefined();
  });

  it('PoC and Conn/NAP instances support the flags too', async () => {
    const { tree } = await factoryTree();
    await tree.add(DEVICE, './PoC/p1/Name', { value: 'PoC' });
    await tree.add(DEVICE, './Conn/NAP/n1/Addr', { value: 'internet' });
    expect((await tree.replace(DEVICE, './PoC/p1?prop=Active', { value: 'true' })).status).toBe(200);
    expect((await tree.replace(DEVICE, './Conn/NAP/n1?prop=Default', { value: 'true' })).status).toBe(200);
    expect(tree.effectiveInstance('./Conn/NAP')?.name).toBe('n1');
    expect((await tree.replace(DEVICE, './DMAcc?prop=Active', { value: '' })).status).toBe(406);
  });
});
