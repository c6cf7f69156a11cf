/**
 * "Ask me before the operator changes my active or locked settings" (issue #8, decision 0100):
 * the session's confirmServerChange hook, over real HTTP with a scripted server.
 */
import { describe, expect, it } from 'vitest';
import type { Command, SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { DEVICE, TNDS_MIME } from '../../../src/core/tree/types.ts';
import type { ManagementTree } from '../../../src/core/tree/tree.ts';
import type { ServerChange, SessionPhase } from '../../../src/core/dm/session.ts';
import { changesOf, REFUSED_REASON } from '../../../src/core/dm/server-change.ts';
import {
  add,
  atomic,
  cmdIdOf,
  codesOf,
  del,
  handset,
  replace,
  reply,
  runAgainst,
  sequence,
  SERVER_ID,
} from './harness.ts';

const OPEN_ACL = 'Add=*&Delete=*&Get=*&Replace=*';

/** A handset with ./MMS/op1 (Active, Name "Operator MMS") and ./MMS/op2 (neither), server may change both. */
async function mmsHandset(): Promise<ManagementTree> {
  const { tree } = await handset();
  for (const [id, name] of [
    ['op1', 'Operator MMS'],
    ['op2', 'Second MMS'],
  ] as const) {
    const r = await tree.batch(DEVICE, [
      { op: 'add', uri: `./MMS/${id}`, format: 'node', acl: OPEN_ACL },
      { op: 'add', uri: `./MMS/${id}/Name`, value: name },
      { op: 'add', uri: `./MMS/${id}/MMSC`, value: `http://${id}.example/mmsc` },
    ]);
    expect(r.status, r.reason).toBe(200);
  }
  expect((await tree.replace(DEVICE, './MMS/op1?prop=Active', { value: 'true' })).status).toBe(200);
  return tree;
}

function hook(...answers: (boolean | Error)[]) {
  const asked: ServerChange[] = [];
  const fn = async (change: ServerChange): Promise<boolean> => {
    asked.push(change);
    const a = answers.shift() ?? false;
    if (a instanceof Error) throw a;
    return a;
  };
  return { asked, fn };
}

const snapshot = (tree: ManagementTree) =>
  JSON.stringify(tree.snapshot().filter((r) => !r.uri.startsWith('./DMAcc')));

/** Runs packages of server commands (one package per list) and returns the handset's replies. */
async function run(
  tree: ManagementTree,
  packages: Command[][],
  confirm?: (c: ServerChange) => Promise<boolean>,
) {
  const served: SyncMLMessage[] = [];
  const phases: SessionPhase[] = [];
  const { session, sent } = await runAgainst(
    tree,
    (req, i) => {
      const msg = reply(req, packages[i] ?? [], { ack: i === 0 });
      served.push(msg);
      return { message: msg };
    },
    {
      onPhase: (p) => phases.push(p),
      ...(confirm ? { confirmServerChange: confirm } : {}),
    },
  );
  expect(session.outcome, session.reason).toBe('completed');
  const reasonsOf = (cmdId: string, pkg = 0) =>
    session.trace.commands
      .filter((c) => c.from === 'server' && c.CmdID === cmdId && c.MsgID === served[pkg]!.SyncHdr.MsgID)
      .flatMap((c) => c.statuses.map((s) => s.reason ?? ''));
  return { session, served, sent, phases, reasonsOf };
}

describe('confirmServerChange (decision 0100)', () => {
  it('an accepted change applies: asked with server, instance, name, what and CmdID', async () => {
    const tree = await mmsHandset();
    const h = hook(true);
    const r = await run(tree, [[replace('./MMS/op2?prop=Active', 'true')]], h.fn);
    const id = cmdIdOf(r.served[0]!, 'Replace', './MMS/op2?prop=Active');
    expect(h.asked).toEqual([
      {
        serverId: SERVER_ID,
        instanceUri: './MMS/op2',
        instanceName: 'Second MMS',
        what: 'active',
        cmdId: id,
      },
    ]);
    expect(codesOf(r.sent[1]!, id)).toEqual([200]);
    expect(tree.effectiveInstance('./MMS')?.uri).toBe('./MMS/op2');
    // Asked while the session said it was waiting for the user.
    expect(r.phases).toContain('waiting-for-user');
    expect(r.phases.lastIndexOf('in-session')).toBeGreaterThan(r.phases.indexOf('waiting-for-user'));
    expect(
      r.session.trace.events.some((e) => /the user allowed "change which instance is Active/.test(e.text)),
    ).toBe(true);
  });

  it('a refused change is 215 with the reason in the trace, and the tree is unchanged', async () => {
    const tree = await mmsHandset();
    const before = snapshot(tree);
    const h = hook(false);
    const r = await run(tree, [[replace('./MMS/op1/MMSC', 'http://evil.example/')]], h.fn);
    const id = cmdIdOf(r.served[0]!, 'Replace');
    expect(h.asked.map((c) => [c.instanceUri, c.what])).toEqual([['./MMS/op1', 'modify']]);
    expect(codesOf(r.sent[1]!, id)).toEqual([215]);
    expect(r.reasonsOf(id)[0]).toContain(REFUSED_REASON);
    expect(snapshot(tree)).toBe(before);
  });

  it('a refusal inside Atomic rolls the Atomic back: 507, earlier members 216, the refused one 215, later 215', async () => {
    const tree = await mmsHandset();
    const before = snapshot(tree);
    const h = hook(false);
    const r = await run(
      tree,
      [
        [
          atomic(
            add('./MMS/op3', undefined, 'node'),
            replace('./MMS/op2/MMSC', 'http://new.example/'),
            replace('./MMS/op2?prop=Locked', 'true'),
            replace('./MMS/op2/Name', 'Locked MMS'),
          ),
        ],
      ],
      h.fn,
    );
    const p2 = r.served[0]!;
    const at = p2.SyncBody.commands.find((c) => c.kind === 'Atomic')!;
    const [a, b, c, d] = (at as { commands: Command[] }).commands.map((m) => m.CmdID);
    expect(h.asked.map((x) => [x.instanceUri, x.what])).toEqual([['./MMS/op2', 'locked']]);
    expect(codesOf(r.sent[1]!, at.CmdID)).toEqual([507]);
    expect(codesOf(r.sent[1]!, a!)).toEqual([216]);
    expect(codesOf(r.sent[1]!, b!)).toEqual([216]);
    expect(codesOf(r.sent[1]!, c!)).toEqual([215]);
    expect(codesOf(r.sent[1]!, d!)).toEqual([215]);
    expect(r.reasonsOf(c!)[0]).toContain(REFUSED_REASON);
    expect(snapshot(tree)).toBe(before);
  });

  it('asks once per (instance, what) per session and remembers the answer across packages', async () => {
    const tree = await mmsHandset();
    const h = hook(false, true);
    const r = await run(
      tree,
      [
        [replace('./MMS/op1/MMSC', 'http://a.example/'), replace('./MMS/op1/Name', 'Changed')],
        [del('./MMS/op1/MMSC'), replace('./MMS/op1?prop=Default', 'true')],
      ],
      h.fn,
    );
    // modify op1 refused once (first package), then default op1 allowed (second package).
    expect(h.asked.map((x) => [x.instanceUri, x.what])).toEqual([
      ['./MMS/op1', 'modify'],
      ['./MMS/op1', 'default'],
    ]);
    const p2 = r.served[0]!;
    const p4 = r.served[1]!;
    for (const c of p2.SyncBody.commands.filter((c) => c.kind === 'Replace'))
      expect(codesOf(r.sent[1]!, c.CmdID)).toEqual([215]);
    expect(r.reasonsOf(cmdIdOf(p2, 'Replace', './MMS/op1/Name'))[0]).toMatch(
      /answered earlier in this session/,
    );
    expect(codesOf(r.sent[2]!, cmdIdOf(p4, 'Delete'))).toEqual([215]);
    expect(codesOf(r.sent[2]!, cmdIdOf(p4, 'Replace'))).toEqual([200]);
    expect(tree.get(DEVICE, './MMS/op1/MMSC').value).toBe('http://op1.example/mmsc');
    expect(tree.get(DEVICE, './MMS/op1?prop=Default').value).toBe('true');
  });

  it('does not ask about a new instance’s leaves, only when it is made Active', async () => {
    const tree = await mmsHandset();
    const h = hook(true);
    const r = await run(
      tree,
      [
        [
          add('./MMS/op3', undefined, 'node'),
          add('./MMS/op3/Name', 'New MMS'),
          add('./MMS/op3/MMSC', 'http://op3.example/'),
          replace('./MMS/op3/MMSC', 'http://op3.example/v2'),
          replace('./MMS?prop=Active', 'op3'),
        ],
      ],
      h.fn,
    );
    expect(h.asked.map((x) => [x.instanceUri, x.instanceName, x.what])).toEqual([
      ['./MMS/op3', 'New MMS', 'active'],
    ]);
    for (const c of r.served[0]!.SyncBody.commands.filter((c) => c.kind === 'Add' || c.kind === 'Replace'))
      expect(codesOf(r.sent[1]!, c.CmdID)).toEqual([200]);
    expect(tree.effectiveInstance('./MMS')?.uri).toBe('./MMS/op3');
  });

  it('is not asked when the option is not given (hook undefined): changes apply', async () => {
    const tree = await mmsHandset();
    const r = await run(tree, [
      [
        replace('./MMS/op1/MMSC', 'http://b.example/'),
        replace('./MMS/op2?prop=Locked', 'true'),
        replace('./MMS/op2?prop=Active', 'true'),
      ],
    ]);
    for (const c of r.served[0]!.SyncBody.commands.filter((c) => c.kind === 'Replace'))
      expect(codesOf(r.sent[1]!, c.CmdID)).toEqual([200]);
    expect(r.phases).not.toContain('waiting-for-user');
    expect(tree.get(DEVICE, './MMS/op1/MMSC').value).toBe('http://b.example/');
    expect(tree.effectiveInstance('./MMS')?.uri).toBe('./MMS/op2');
  });

  it('inside Sequence a refusal is a failed member: 215, the rest still runs (decision 0055)', async () => {
    const tree = await mmsHandset();
    const h = hook(false);
    const r = await run(
      tree,
      [
        [
          sequence(
            replace('./MMS/op1/MMSC', 'http://c.example/'),
            replace('./MMS/op2/MMSC', 'http://d.example/'),
          ),
        ],
      ],
      h.fn,
    );
    const seq = r.served[0]!.SyncBody.commands.find((c) => c.kind === 'Sequence') as {
      CmdID: string;
      commands: Command[];
    };
    expect(codesOf(r.sent[1]!, seq.CmdID)).toEqual([200]);
    expect(codesOf(r.sent[1]!, seq.commands[0]!.CmdID)).toEqual([215]);
    expect(codesOf(r.sent[1]!, seq.commands[1]!.CmdID)).toEqual([200]);
    expect(tree.get(DEVICE, './MMS/op2/MMSC').value).toBe('http://d.example/');
  });

  it('deleting a Locked instance, or the subtree above Active ones, asks "delete" for each', async () => {
    const tree = await mmsHandset();
    expect((await tree.replace(DEVICE, './MMS/op2?prop=Locked', { value: 'true' })).status).toBe(200);
    const h = hook(true, false);
    const r = await run(tree, [[del('./MMS')]], h.fn);
    expect(h.asked.map((x) => [x.instanceUri, x.what])).toEqual([
      ['./MMS/op1', 'delete'],
      ['./MMS/op2', 'delete'],
    ]);
    expect(codesOf(r.sent[1]!, cmdIdOf(r.served[0]!, 'Delete'))).toEqual([215]);
    expect(tree.instances('./MMS')).toHaveLength(2);
  });

  it('a hook that throws refuses the change without remembering it', async () => {
    const tree = await mmsHandset();
    const h = hook(new Error('dialog closed'), true);
    const r = await run(
      tree,
      [[replace('./MMS/op1/MMSC', 'http://e.example/'), replace('./MMS/op1/MMSC', 'http://f.example/')]],
      h.fn,
    );
    const ids = r.served[0]!.SyncBody.commands.filter((c) => c.kind === 'Replace').map((c) => c.CmdID);
    expect(codesOf(r.sent[1]!, ids[0]!)).toEqual([215]);
    expect(r.reasonsOf(ids[0]!)[0]).toMatch(/could not be asked \(dialog closed\)/);
    expect(codesOf(r.sent[1]!, ids[1]!)).toEqual([200]);
    expect(h.asked).toHaveLength(2);
    expect(tree.get(DEVICE, './MMS/op1/MMSC').value).toBe('http://f.example/');
  });
});

describe('changesOf: which operations raise a question', () => {
  it('flags: only real changes, valid values and instances', async () => {
    const tree = await mmsHandset();
    const q = (uri: string, value: string, op: 'replace' | 'add' = 'replace') =>
      changesOf(tree, { op, uri, value });
    expect(q('./MMS/op1?prop=Active', 'true')).toEqual([]); // already Active
    expect(q('./MMS/op1?prop=Active', 'false')).toEqual([{ instanceUri: './MMS/op1', what: 'active' }]);
    expect(q('./MMS/op2?prop=Default', 'true')).toEqual([{ instanceUri: './MMS/op2', what: 'default' }]);
    expect(q('./MMS/op2?prop=Locked', 'true')).toEqual([{ instanceUri: './MMS/op2', what: 'locked' }]);
    expect(q('./MMS/op2?prop=Locked', 'false')).toEqual([]); // not locked
    expect(q('./MMS/op2?prop=Active', 'yes')).toEqual([]); // the tree answers 400
    expect(q('./MMS/op2?prop=Active', 'true', 'add')).toEqual([]); // the tree answers 405
    expect(q('./MMS?prop=Active', 'op1')).toEqual([]);
    expect(q('./MMS?prop=Active', '')).toEqual([{ instanceUri: './MMS/op1', what: 'active' }]);
    expect(q('./MMS?prop=Default', '')).toEqual([]);
    expect(q('./DevInfo?prop=Active', 'true')).toEqual([]);
    expect((await tree.replace(DEVICE, './MMS/op2?prop=Locked', { value: 'true' })).status).toBe(200);
    expect(q('./MMS/op2?prop=Locked', 'false')).toEqual([{ instanceUri: './MMS/op2', what: 'unlocked' }]);
  });

  it('nodes: inside an Active or Locked instance (Copy into, TNDS merged into, ACL), not in others', async () => {
    const tree = await mmsHandset();
    const modify1 = [{ instanceUri: './MMS/op1', what: 'modify' }];
    expect(changesOf(tree, { op: 'copy', uri: './MMS/op1/MMSC', source: './MMS/op2/MMSC' })).toEqual(modify1);
    expect(changesOf(tree, { op: 'copy', uri: './MMS/op2/MMSC', source: './MMS/op1/MMSC' })).toEqual([]);
    expect(changesOf(tree, { op: 'replace', uri: './MMS/op1?prop=ACL', value: 'Get=*' })).toEqual(modify1);
    expect(changesOf(tree, { op: 'delete', uri: './MMS/op1' })).toEqual([
      { instanceUri: './MMS/op1', what: 'delete' },
    ]);
    expect(changesOf(tree, { op: 'delete', uri: './MMS/op2' })).toEqual([]);
    const tnds =
      '<MgmtTree><VerDTD>1.2</VerDTD><Node><NodeName>op1</NodeName><Node><NodeName>Extra</NodeName><Value>1</Value></Node></Node></MgmtTree>';
    expect(changesOf(tree, { op: 'add', uri: './MMS', type: TNDS_MIME, value: tnds })).toEqual(modify1);
    expect(changesOf(tree, { op: 'add', uri: './DevInfo/Ext/X', value: '1' })).toEqual([]);
  });
});
