/** `ota-handset session --answer change=yes|no` (decision 0100), in-process against a scripted server. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { freshDeviceState, loadDeviceState, saveDeviceState } from '../../../src/adapters/state-file.ts';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import type { SessionTrace } from '../../../src/core/dm/session.ts';
import { addAccount, replace, reply, SERVER_ID, startServer, T0 } from './harness.ts';
import { captureIo } from '../../support/capture-io.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ota-change-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A state file with the account and ./MMS/op1 (Active, "Operator MMS") and ./MMS/op2. */
async function stateFile(url: string): Promise<string> {
  const state = freshDeviceState(T0);
  const tree = await ManagementTree.open(new MemoryTreeStore(state.nodes), { clock: { now: () => T0 } });
  await addAccount(tree, { url });
  const acl = 'Add=*&Delete=*&Get=*&Replace=*';
  const r = await tree.batch(DEVICE, [
    { op: 'add', uri: './MMS/op1', format: 'node', acl },
    { op: 'add', uri: './MMS/op1/Name', value: 'Operator MMS' },
    { op: 'add', uri: './MMS/op1/MMSC', value: 'http://op1.example/' },
    { op: 'replace', uri: './MMS/op1?prop=Active', value: 'true' },
    { op: 'add', uri: './MMS/op2', format: 'node', acl },
  ]);
  expect(r.status, r.reason).toBe(200);
  const path = join(dir, 'device.json');
  await saveDeviceState(path, { ...state, nodes: tree.snapshot() }, T0);
  return path;
}

/** Runs one session whose server package changes op1's MMSC, then makes op2 Active. */
async function session(answers: string[]) {
  const server = await startServer((req, i) =>
    i === 0
      ? {
          message: reply(req, [
            replace('./MMS/op1/MMSC', 'http://changed.example/'),
            replace('./MMS/op2?prop=Active', 'true'),
          ]),
        }
      : { message: reply(req, [], { ack: false }) },
  );
  try {
    const state = await stateFile(server.url);
    const io = captureIo();
    const tracePath = join(dir, 'trace.json');
    const args = [
      'session',
      '--state',
      state,
      '--account',
      SERVER_ID,
      '--encoding',
      'xml',
      '--trace',
      tracePath,
    ];
    for (const a of answers) args.push('--answer', a);
    const code = await main(args, io);
    const saved = await loadDeviceState(state);
    const trace = code === 2 ? undefined : (JSON.parse(await readFile(tracePath, 'utf8')) as SessionTrace);
    const codes = (trace?.commands ?? [])
      .filter((c) => c.from === 'server' && c.kind === 'Replace')
      .map((c) => c.statuses.map((s) => s.code));
    return { code, io, saved, trace, codes };
  } finally {
    await server.close();
  }
}

const node = (saved: Awaited<ReturnType<typeof loadDeviceState>>, uri: string) =>
  saved?.nodes.find((n) => n.uri === uri);

describe('ota-handset session --answer change=', () => {
  it('change=no refuses every change: 215, nothing saved, the refusal printed', async () => {
    const r = await session(['change=no']);
    expect(r.code).toBe(0);
    expect(r.codes).toEqual([[215], [215]]);
    expect(r.io.stderr()).toContain('operator change (command');
    expect(r.io.stderr()).toContain('modify ./MMS/op1 ("Operator MMS") -> no');
    expect(r.io.stderr()).toContain('change which instance is Active ./MMS/op2 -> no');
    expect(r.trace?.commands.flatMap((c) => c.statuses.map((s) => s.reason ?? ''))).toContainEqual(
      expect.stringContaining('the user refused: ask before operator changes'),
    );
    expect(node(r.saved, './MMS/op1/MMSC')?.value).toBe('http://op1.example/');
    expect(node(r.saved, './MMS/op1')?.flags?.active).toBe(true);
    expect(node(r.saved, './MMS/op2')?.flags?.active).toBeUndefined();
  });

  it('answers are used in order: change=yes then change=no', async () => {
    const r = await session(['change=yes', 'change=no']);
    expect(r.codes).toEqual([[200], [215]]);
    expect(node(r.saved, './MMS/op1/MMSC')?.value).toBe('http://changed.example/');
    expect(node(r.saved, './MMS/op2')?.flags?.active).toBeUndefined();
  });

  it('without change= the option is off: both changes apply without a question', async () => {
    const r = await session([]);
    expect(r.codes).toEqual([[200], [200]]);
    expect(r.io.stderr()).not.toContain('operator change');
    expect(node(r.saved, './MMS/op2')?.flags?.active).toBe(true);
  });

  it('change=maybe is a usage error (exit 2), and the usage text documents change=', async () => {
    const r = await session(['change=maybe']);
    expect(r.code).toBe(2);
    expect(r.io.stderr()).toMatch(/change takes yes or no/);
    const help = captureIo();
    await main(['session', '--help'], help);
    expect(help.stdout() + help.stderr()).toContain('change=yes|no');
  });
});
