/**
 * Fault injection (decision 0128) against the scripted server harness: status overrides inside
 * the session, dropped connections and delayed replies in the transport wrapper, the CLI syntax.
 */
import { describe, expect, it } from 'vitest';
import { createFetchTransport } from '../../../src/adapters/fetch-transport.ts';
import {
  applyStatusFaults,
  formatFault,
  parseFault,
  uriPatternMatches,
  withTransportFaults,
  type FaultPlan,
} from '../../../src/core/dm/faults.ts';
import { createSession, runSession } from '../../../src/core/dm/session.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import type { Replace } from '../../../src/core/syncml/message.ts';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';
import {
  SERVER_ID,
  addAccount,
  add,
  codesOf,
  counterRandom,
  fixedClock,
  handset,
  replace,
  reply,
  runAgainst,
  startServer,
  statuses,
} from '../session/harness.ts';

describe('fault specs', () => {
  it('reads and writes the CLI form', () => {
    expect(parseFault('status:./MMS/*:Replace=500')).toEqual({
      kind: 'status',
      target: './MMS/*',
      command: 'Replace',
      status: 500,
    });
    expect(parseFault('status:*=425')).toEqual({ kind: 'status', target: '*', status: 425 });
    expect(parseFault('drop-at:3')).toEqual({ kind: 'drop', message: 3, when: 'after-send' });
    expect(parseFault('drop-at:2:before')).toEqual({ kind: 'drop', message: 2, when: 'before-send' });
    expect(parseFault('delay:500')).toEqual({ kind: 'delay', ms: 500 });
    expect(parseFault('delay:20@2')).toEqual({ kind: 'delay', ms: 20, message: 2 });
    for (const s of ['status:./MMS/*:Replace=500', 'drop-at:3', 'drop-at:2:before', 'delay:20@2'])
      expect(formatFault(parseFault(s))).toBe(s);
    for (const bad of ['status:./x', 'status:./x=99', 'drop-at:0', 'delay:abc', 'explode:1', 'status:=500'])
      expect(() => parseFault(bad), bad).toThrow(/./);
  });

  it('matches URI patterns: * within a segment, ** across', () => {
    expect(uriPatternMatches('./MMS/*', './MMS/x')).toBe(true);
    expect(uriPatternMatches('./MMS/*', './MMS/x/Addr')).toBe(false);
    expect(uriPatternMatches('./MMS/*', './MMS/x?prop=Active')).toBe(false);
    expect(uriPatternMatches('./MMS/*?prop=Active', './MMS/x?prop=Active')).toBe(true);
    expect(uriPatternMatches('./MMS/**', './MMS/x/Addr')).toBe(true);
    expect(uriPatternMatches('./MMS/x.y', './MMS/xzy')).toBe(false);
  });

  it('splits a command: matching items get the status, the rest still run', () => {
    const cmd = replace('./MMS/a/Addr', 'x') as Replace;
    cmd.Items.push({ Target: { LocURI: './Other/b' }, Data: 'y' });
    const { injected, rest } = applyStatusFaults(
      [{ kind: 'status', target: './MMS/**', status: 500 }],
      cmd,
      '2',
    );
    expect(injected.map((r) => r.cmd.kind === 'Status' && r.cmd.Data)).toEqual([500]);
    expect(rest && 'Items' in rest ? rest.Items.map((i) => i.Target?.LocURI) : []).toEqual(['./Other/b']);
  });
});

describe('status faults in a session', () => {
  it('a Replace on a matching node is answered 500 and the tree is not touched; others run', async () => {
    const { tree } = await handset();
    await tree.add(DEVICE, './Ext', { format: 'node' });
    const faults: FaultPlan = [{ kind: 'status', target: './Ext/*', command: 'Replace', status: 500 }];
    const { sent, served } = await runAgainst(
      tree,
      (req, i) =>
        i === 0
          ? {
              message: reply(req, [
                add('./Ext/a', 'one'),
                replace('./Ext/a', 'two'),
                replace('./DevDetail/Ext', 'x'),
              ]),
            }
          : { message: reply(req) },
      { faults },
    );
    const cmds = served[0]!.SyncBody.commands.filter((c) => c.kind !== 'Status');
    const codes = cmds.map((c) => codesOf(sent[1]!, c.CmdID)[0]);
    expect(codes[0]).toBe(200); // Add is not covered by a Replace fault
    expect(codes[1]).toBe(500);
    expect(codes[2]).not.toBe(500);
    expect(tree.get(DEVICE, './Ext/a').value).toBe('one');
    const injected = statuses(sent[1]!).find((s) => s.Data === 500);
    expect(injected?.TargetRef?.[0]).toBe('./Ext/a');
  });
});

async function transportRun(plan: FaultPlan, sleeps: number[] = []) {
  const { tree } = await handset();
  const server = await startServer((req, i) =>
    i < 2
      ? { message: reply(req, [replace('./DevInfo/Lang', 'en-GB')], { final: true }) }
      : { message: reply(req) },
  );
  try {
    await addAccount(tree, { url: server.url });
    const session = createSession({
      tree,
      serverId: SERVER_ID,
      clock: fixedClock(),
      random: counterRandom(),
      encoding: 'xml',
    });
    const transport = withTransportFaults(createFetchTransport({ timeoutMs: 5000 }), plan, async (ms) => {
      sleeps.push(ms);
    });
    const trace = await runSession(session, transport);
    return { trace, received: server.received.length };
  } finally {
    await server.close();
  }
}

describe('transport faults', () => {
  it('without faults the scripted session has three messages each way', async () => {
    const { trace, received } = await transportRun([]);
    expect(trace.outcome).toBe('completed');
    expect(received).toBe(3);
  });

  it('drop-at:2 posts message 2, loses the reply, and the session fails with the reason', async () => {
    const { trace, received } = await transportRun([{ kind: 'drop', message: 2, when: 'after-send' }]);
    expect(trace.outcome).toBe('failed');
    expect(trace.error?.code).toBe('transport-network');
    expect(trace.reason).toMatch(/dropped at message 2/);
    expect(received).toBe(2);
  });

  it('drop-at:2:before never sends message 2', async () => {
    const { trace, received } = await transportRun([{ kind: 'drop', message: 2, when: 'before-send' }]);
    expect(trace.outcome).toBe('failed');
    expect(received).toBe(1);
  });

  it('delay waits before each reply (or only the chosen one)', async () => {
    const all: number[] = [];
    expect((await transportRun([{ kind: 'delay', ms: 40 }], all)).trace.outcome).toBe('completed');
    expect(all).toEqual([40, 40, 40]);
    const one: number[] = [];
    await transportRun([{ kind: 'delay', ms: 25, message: 2 }], one);
    expect(one).toEqual([25]);
  });
});

describe('ota-handset session --fault', () => {
  it('rejects a bad fault spec with exit 2', async () => {
    const io = captureIo();
    expect(
      await main(['session', '--state', '/nonexistent.json', '--account', 'x', '--fault', 'boom:1'], io),
    ).toBe(2);
    expect(io.stderr()).toMatch(/unknown fault "boom"/);
  });
});
