/** `ota-handset session` and `ota-handset notification inspect`, in-process against a scripted server. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { freshDeviceState, loadDeviceState, saveDeviceState } from '../../../src/adapters/state-file.ts';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { buildPackage0 } from '../../../src/core/dm/package0.ts';
import { toHex, encodeUtf8 } from '../../../src/core/bytes/index.ts';
import { add, addAccount, alert, reply, SERVER_ID, startServer, T0 } from './harness.ts';
import { captureIo } from '../../support/capture-io.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ota-session-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function stateWithAccount(url: string, serverCred = false): Promise<string> {
  const state = freshDeviceState(T0);
  const tree = await ManagementTree.open(new MemoryTreeStore(state.nodes), { clock: { now: () => T0 } });
  await addAccount(tree, {
    url,
    client: { type: 'BASIC', name: 'u', secret: 'p' },
    ...(serverCred
      ? { server: { type: 'DIGEST', name: SERVER_ID, secret: 'srvpass', nonce: encodeUtf8('n0') } }
      : {}),
  });
  await tree.add({ kind: 'device' }, './Vendor', { format: 'node', acl: 'Add=*&Delete=*&Get=*&Replace=*' });
  const path = join(dir, 'device.json');
  await saveDeviceState(path, { ...state, nodes: tree.snapshot() }, T0);
  return path;
}

describe('ota-handset session', () => {
  it('runs a session, answers alerts from --answer, prints the trace, writes --trace, saves the device; exit 0', async () => {
    const server = await startServer((req, i) =>
      i === 0
        ? { message: reply(req, [alert(1101, '', 'Install?'), add('./Vendor/X', 'from-cli')]) }
        : { message: reply(req, [], { ack: false }) },
    );
    try {
      const state = await stateWithAccount(server.url);
      const io = captureIo();
      const tracePath = join(dir, 'trace.json');
      const code = await main(
        [
          'session',
          '--state',
          state,
          '--account',
          SERVER_ID,
          '--answer',
          '1101=yes',
          '--trace',
          tracePath,
          '--encoding',
          'xml',
        ],
        io,
      );
      expect(io.stderr()).toContain('alert 1101');
      expect(code).toBe(0);
      expect(io.stdout()).toContain('Alert 1101');
      expect(io.stdout()).toContain('-> 200 OK');
      expect(io.stdout()).toMatch(/Session completed/);
      const trace = JSON.parse(await readFile(tracePath, 'utf8')) as { outcome: string; messages: unknown[] };
      expect(trace.outcome).toBe('completed');
      expect(trace.messages.length).toBe(4);
      const saved = await loadDeviceState(state);
      expect(saved?.nodes.find((n) => n.uri === './Vendor/X')?.value).toBe('from-cli');
    } finally {
      await server.close();
    }
  });

  it('exit 1 when the session fails (unreachable server), with the reason printed', async () => {
    const state = await stateWithAccount('http://127.0.0.1:9/dm');
    const io = captureIo();
    const code = await main(['session', '--state', state, '--account', SERVER_ID, '--timeout', '3000'], io);
    expect(code).toBe(1);
    expect(io.stdout()).toMatch(/Session FAILED/);
  });

  it('exit 1 for an unknown account', async () => {
    const state = await stateWithAccount('http://127.0.0.1:9/dm');
    const io = captureIo();
    expect(await main(['session', '--state', state, '--account', 'nobody'], io)).toBe(1);
    expect(io.stderr()).toContain('account-not-found');
  });
});

describe('ota-handset notification inspect', () => {
  it('prints the fields and checks the digest (0 on match, 3 on mismatch)', async () => {
    const pkg = buildPackage0(
      { uiMode: 'informative', initiator: 'server', sessionId: 0x1234, serverId: SERVER_ID },
      { password: 'srvpass', nonce: encodeUtf8('n0') },
    );
    const file = join(dir, 'pkg0.hex');
    await writeFile(file, toHex(pkg));
    const state = await stateWithAccount('http://127.0.0.1:9/dm', true);
    const io = captureIo();
    expect(await main(['notification', 'inspect', file, '--state', state], io)).toBe(0);
    expect(io.stdout()).toContain('SessionID 1234');
    expect(io.stdout()).toContain('informative');
    expect(io.stdout()).toContain('OK');
    const io2 = captureIo();
    expect(await main(['notification', 'inspect', file, '--server-password', 'wrong', '--json'], io2)).toBe(
      3,
    );
    expect(JSON.parse(io2.stdout())).toMatchObject({
      serverId: SERVER_ID,
      SessionID: '1234',
      digestCheck: { ok: false },
    });
  });
});
