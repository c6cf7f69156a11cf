/**
 * The work behind the session benchmark, core only so the same code runs in Node (bench/session.ts)
 * and in Chromium (bundled by bench/session.ts for a page).
 *
 * One server message with 100 management commands (25 Add, 25 Replace, 25 Get, 25 Delete)
 * reaches a DmSession over a memory tree; the timed part is the handset's processing:
 * `receive` (decode, authenticate the header, run every command against the tree, build
 * statuses and results) plus `nextMessage` (encode the reply). No network is involved.
 * The comparison does the same 100 tree operations directly on the ManagementTree with the
 * same principal, so the ratio is the engine's overhead over the tree work itself.
 */
import { MemoryTreeStore } from '../src/adapters/memory-tree-store.ts';
import { DEFAULT_IDENTITY } from '../src/core/device/identity.ts';
import { createSession, defaultCodec, DM_CONTENT_TYPES, type DmEncoding } from '../src/core/dm/session.ts';
import type { Clock, Random } from '../src/core/ports.ts';
import { createHeader, statusFor, statusForHeader } from '../src/core/syncml/build.ts';
import type { Command, SyncMLMessage } from '../src/core/syncml/message.ts';
import { ManagementTree } from '../src/core/tree/tree.ts';
import { DEVICE, server, type TreeOp } from '../src/core/tree/types.ts';

export const SERVER_ID = 'bench.example.net';
export const COMMANDS = 100;
const PER_KIND = COMMANDS / 4;

function clock(): Clock {
  let now = Date.UTC(2024, 10, 21, 10, 42, 0);
  return { now: () => (now += 5) };
}

const random: Random = {
  bytes(length: number) {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = (i * 37 + 11) & 0xff;
    return out;
  },
};

/** A factory tree with a DM account for SERVER_ID and `./Vendor/Bench` holding the nodes the commands use. */
async function benchTree(): Promise<ManagementTree> {
  const tree = await ManagementTree.openWithFactory(new MemoryTreeStore(), clock(), DEFAULT_IDENTITY);
  const ops: TreeOp[] = [
    { op: 'add', uri: './DMAcc/bench', format: 'node' },
    { op: 'add', uri: './DMAcc/bench/AppID', value: 'w7' },
    { op: 'add', uri: './DMAcc/bench/ServerID', value: SERVER_ID },
    { op: 'add', uri: './DMAcc/bench/Name', value: 'Bench DM' },
    { op: 'add', uri: './DMAcc/bench/AppAddr/1/Addr', value: 'http://127.0.0.1/dm' },
    { op: 'add', uri: './DMAcc/bench/AppAddr/1/AddrType', value: 'URI' },
    { op: 'add', uri: './Vendor', format: 'node', acl: 'Add=*&Delete=*&Get=*&Replace=*' },
    { op: 'add', uri: './Vendor/Bench', format: 'node' },
  ];
  for (let i = 0; i < PER_KIND; i++) {
    ops.push({ op: 'add', uri: `./Vendor/Bench/R${i}`, value: `old value ${i}` });
    ops.push({ op: 'add', uri: `./Vendor/Bench/D${i}`, value: `doomed ${i}` });
  }
  const r = await tree.batch(DEVICE, ops);
  if (r.status !== 200) throw new Error(`bench tree setup failed: ${r.reason}`);
  return tree;
}

/** The 100 commands, in message order. */
function serverCommands(): Command[] {
  const cmds: Command[] = [];
  const item = (uri: string, data?: string) => ({
    Target: { LocURI: uri },
    ...(data !== undefined ? { Data: data, Meta: { Format: 'chr', Type: 'text/plain' } } : {}),
  });
  for (let i = 0; i < PER_KIND; i++)
    cmds.push({ kind: 'Add', CmdID: '', Items: [item(`./Vendor/Bench/A${i}`, `added value ${i}`)] });
  for (let i = 0; i < PER_KIND; i++)
    cmds.push({ kind: 'Replace', CmdID: '', Items: [item(`./Vendor/Bench/R${i}`, `new value ${i}`)] });
  for (let i = 0; i < PER_KIND; i++)
    cmds.push({ kind: 'Get', CmdID: '', Items: [item(`./Vendor/Bench/R${i}`)] });
  for (let i = 0; i < PER_KIND; i++)
    cmds.push({ kind: 'Delete', CmdID: '', Items: [item(`./Vendor/Bench/D${i}`)] });
  return cmds;
}

/** The server's reply to package 1: header status 212, acks for Alert / Replace, then the 100 commands. */
function serverReply(client: SyncMLMessage): SyncMLMessage {
  let id = 0;
  const next = () => String(++id);
  const out: Command[] = [statusForHeader(client.SyncHdr, 212, next())];
  for (const cmd of client.SyncBody.commands)
    if (cmd.kind === 'Alert' || cmd.kind === 'Replace')
      out.push(statusFor(cmd, 200, { CmdID: next(), MsgRef: client.SyncHdr.MsgID }));
  for (const cmd of serverCommands()) out.push({ ...cmd, CmdID: next() } as Command);
  return {
    SyncHdr: createHeader({
      SessionID: client.SyncHdr.SessionID,
      MsgID: '1',
      Target: client.SyncHdr.Source.LocURI,
      Source: client.SyncHdr.Target.LocURI,
      MaxMsgSize: 1 << 20,
    }),
    SyncBody: { commands: out, Final: true },
  };
}

export interface Prepared {
  run(): Promise<void>;
}

/** A session that has sent package 1 and has the 100-command reply ready; `run` processes it. */
export async function prepareSession(encoding: DmEncoding): Promise<Prepared> {
  const tree = await benchTree();
  const session = createSession({ tree, serverId: SERVER_ID, clock: clock(), random, encoding });
  const p1 = session.nextMessage();
  if (!p1) throw new Error('the session sent no package 1');
  const body = defaultCodec.encode(serverReply(defaultCodec.decode(p1.body, encoding).message), encoding);
  const headers = { 'content-type': DM_CONTENT_TYPES[encoding] };
  return {
    async run() {
      await session.receive({ body, headers, status: 200 });
      const out = session.nextMessage();
      // The work must really have happened: one reply carrying a status for each command.
      if (!out) throw new Error(`no reply after the 100 commands (${session.outcome}: ${session.reason})`);
      const statuses = defaultCodec
        .decode(out.body, encoding)
        .message.SyncBody.commands.filter((c) => c.kind === 'Status' && c.CmdRef !== '0');
      const ok = statuses.filter((s) => s.kind === 'Status' && s.Data === 200).length;
      if (statuses.length !== COMMANDS || ok !== COMMANDS)
        throw new Error(`expected ${COMMANDS} statuses 200, got ${ok} of ${statuses.length}`);
    },
  };
}

/** The same 100 operations straight on the tree, as the same server principal. */
export async function prepareDirect(): Promise<Prepared> {
  const tree = await benchTree();
  const p = server(SERVER_ID);
  return {
    async run() {
      let ok = 0;
      for (let i = 0; i < PER_KIND; i++)
        if ((await tree.add(p, `./Vendor/Bench/A${i}`, { value: `added value ${i}` })).status === 200) ok++;
      for (let i = 0; i < PER_KIND; i++)
        if ((await tree.replace(p, `./Vendor/Bench/R${i}`, { value: `new value ${i}` })).status === 200) ok++;
      for (let i = 0; i < PER_KIND; i++) if (tree.get(p, `./Vendor/Bench/R${i}`).status === 200) ok++;
      for (let i = 0; i < PER_KIND; i++)
        if ((await tree.delete(p, `./Vendor/Bench/D${i}`)).status === 200) ok++;
      if (ok !== COMMANDS) throw new Error(`direct tree work: ${ok} of ${COMMANDS} operations succeeded`);
    },
  };
}

/**
 * `runs` timings (ms) of each, alternating engine and direct so load from other processes
 * hits both alike. Preparation (a fresh tree each time) is not timed.
 */
export async function measureSession(
  encoding: DmEncoding,
  runs: number,
  warmup = 3,
): Promise<{ engine: number[]; direct: number[] }> {
  const engine: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const s = await prepareSession(encoding);
    let t = performance.now();
    await s.run();
    if (i >= warmup) engine.push(performance.now() - t);
    const d = await prepareDirect();
    t = performance.now();
    await d.run();
    if (i >= warmup) direct.push(performance.now() - t);
  }
  return { engine, direct };
}
