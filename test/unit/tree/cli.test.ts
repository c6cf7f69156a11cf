import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliIo } from '../../../src/cli/io.ts';
import { STATE_FILE_VERSION } from '../../../src/core/device/state-document.ts';

function fakeIo(stdin = ''): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(text: string | Uint8Array) {
      io.stdout += typeof text === 'string' ? text : new TextDecoder().decode(text);
    },
    err(text: string) {
      io.stderr += text;
    },
    readStdin: async () => new TextEncoder().encode(stdin),
  };
  return io;
}

async function run(args: string[], stdin = '') {
  const io = fakeIo(stdin);
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('ota-handset device / tree (in-process)', () => {
  let dir = '';
  let state = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ota-tree-'));
    state = join(dir, 'device.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('device init creates the state file; DevInfo follows the identity', async () => {
    const r = await run(['device', 'init', '--state', state, '--imei', '352099001761481', '--model', 'X1']);
    expect(r).toMatchObject({ code: 0 });
    const saved = JSON.parse(await readFile(state, 'utf8')) as { format: string; version: number };
    expect(saved).toMatchObject({ format: 'ota-handset-device-state', version: STATE_FILE_VERSION });
    expect(await run(['tree', 'get', './DevInfo/DevId', '--state', state])).toMatchObject({
      code: 0,
      out: 'IMEI:352099001761481\n',
    });
    expect((await run(['tree', 'get', './DevInfo/Mod', '--state', state])).out).toBe('X1\n');
  });

  it('device init rejects a bad IMEI with exit 2 and the message', async () => {
    const r = await run(['device', 'init', '--state', state, '--imei', '123']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('15 digits');
  });

  it('tree get prints children, properties, and exits 1 with the status when not 200', async () => {
    await run(['device', 'init', '--state', state]);
    expect((await run(['tree', 'get', './DevDetail/URI', '--state', state])).out).toBe(
      'MaxDepth\nMaxTotLen\nMaxSegLen\n',
    );
    expect((await run(['tree', 'get', '.?prop=ACL', '--state', state])).out).toBe('Add=*&Get=*\n');
    const missing = await run(['tree', 'get', './Nope', '--state', state]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('404 Not found');
    const denied = await run(['tree', 'replace-me', '--state', state]);
    expect(denied.code).toBe(2);
  });

  it('tree get on a missing state file is a usage error; a corrupt file is reported clearly', async () => {
    expect((await run(['tree', 'get', '.', '--state', state])).code).toBe(2);
    await writeFile(state, '{ not json');
    const r = await run(['tree', 'get', '.', '--state', state]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('state-file-corrupt');
  });

  it('tree import adds a TNDS subtree (creating the device); export gives it back without secrets', async () => {
    const tnds =
      '<MgmtTree><VerDTD>1.2</VerDTD><Node><NodeName>s1</NodeName><Path>./DMAcc</Path><RTProperties><Format><node/></Format></RTProperties>' +
      '<Node><NodeName>ServerID</NodeName><RTProperties><Format><chr/></Format></RTProperties><Value>srvA</Value></Node>' +
      '<Node><NodeName>AppAuth</NodeName><RTProperties><Format><node/></Format></RTProperties><Node><NodeName>1</NodeName><RTProperties><Format><node/></Format></RTProperties>' +
      '<Node><NodeName>AAuthSecret</NodeName><RTProperties><Format><chr/></Format></RTProperties><Value>s3cret</Value></Node></Node></Node></Node></MgmtTree>';
    const file = join(dir, 'acc.xml');
    await writeFile(file, tnds);
    expect((await run(['tree', 'import', file, '--state', state])).code).toBe(0);
    expect((await run(['tree', 'get', './DMAcc/s1/ServerID', '--state', state])).out).toBe('srvA\n');
    const xml = await run(['tree', 'export', '--state', state, '--uri', './DMAcc']);
    expect(xml.code).toBe(0);
    expect(xml.out).toContain('<NodeName>AAuthSecret</NodeName>');
    expect(xml.out).not.toContain('s3cret');
    const json = await run(['tree', 'export', '--format', 'json', '--state', state]);
    expect(json.out).not.toContain('s3cret');
    expect(JSON.parse(json.out)[0]).toMatchObject({ uri: '.', acl: 'Add=*&Get=*' });
    // The same import again clashes: exit 1, and the file is unchanged.
    const before = await readFile(state, 'utf8');
    const again = await run(['tree', 'import', '-', '--state', state], tnds);
    expect(again.code).toBe(1);
    expect(again.err).toContain('418');
    expect(await readFile(state, 'utf8')).toBe(before);
  });

  it('tree get --server applies the ACL (425)', async () => {
    await run(['device', 'init', '--state', state]);
    const tnds =
      '<MgmtTree><VerDTD>1.2</VerDTD><Node><NodeName>Vendor</NodeName><RTProperties><ACL>Get=srvB</ACL><Format><node/></Format></RTProperties></Node></MgmtTree>';
    await run(['tree', 'import', '-', '--state', state], tnds);
    const r = await run(['tree', 'get', './Vendor', '--state', state, '--server', 'srvA']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('425');
  });
});
