/**
 * Atomic, Sequence and user-interaction alerts (shared/spec/oma-dm.md §5, §9).
 */
import { describe, expect, it } from 'vitest';
import type { Prompter } from '../../../src/core/ports.ts';
import type { UserAnswer, UserInteraction } from '../../../src/core/dm/alerts.ts';
import type { SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import {
  add,
  alert,
  atomic,
  codesOf,
  commandIds,
  get,
  handset,
  replace,
  reply,
  runAgainst,
  sequence,
  statusOf,
} from './harness.ts';

function prompter(...answers: UserAnswer[]): Prompter & { asked: UserInteraction[] } {
  const asked: UserInteraction[] = [];
  return {
    asked,
    ask: async (request) => {
      asked.push(request);
      return answers.shift() ?? { kind: 'cancel' };
    },
  };
}

/** Runs one server package (the commands) and returns the handset's answer to it. */
async function onePackage(commands: ReturnType<typeof add>[], p?: Prompter) {
  const { tree } = await handset();
  // The server may Add below the root ([TND 83] root ACL Add=*); prepare a node it owns.
  await tree.add(DEVICE, './Vendor', { format: 'node', acl: 'Add=*&Delete=*&Get=*&Replace=*' });
  await tree.add(DEVICE, './Vendor/Leaf', { value: 'before' });
  const before = JSON.stringify(tree.snapshot().filter((r) => !r.uri.startsWith('./DMAcc')));
  let p2 = undefined as unknown as SyncMLMessage;
  const { session, sent } = await runAgainst(
    tree,
    (req, i) => {
      if (i === 0) {
        p2 = reply(req, commands);
        return { message: p2 };
      }
      return { message: reply(req, [], { ack: false }) };
    },
    p ? { prompter: p } : {},
  );
  const after = JSON.stringify(tree.snapshot().filter((r) => !r.uri.startsWith('./DMAcc')));
  return { tree, session, p2, p3: sent[1]!, before, after, ids: commandIds(p2) };
}

describe('Atomic (oma-dm.md §5)', () => {
  it('all members succeed: Atomic 200, members 200, all applied', async () => {
    const r = await onePackage([atomic(add('./Vendor/A', '1'), replace('./Vendor/Leaf', 'after'))]);
    const [atomicId, addId, replaceId] = [
      r.p2.SyncBody.commands.find((c) => c.kind === 'Atomic')!.CmdID,
      '',
      '',
    ];
    const inner = (
      r.p2.SyncBody.commands.find((c) => c.kind === 'Atomic') as { commands: { CmdID: string }[] }
    ).commands;
    expect(codesOf(r.p3, atomicId)).toEqual([200]);
    expect(codesOf(r.p3, inner[0]!.CmdID)).toEqual([200]);
    expect(codesOf(r.p3, inner[1]!.CmdID)).toEqual([200]);
    void addId;
    void replaceId;
    expect(r.tree.get(DEVICE, './Vendor/Leaf').value).toBe('after');
  });

  it('a failing member rolls everything back: Atomic 507, earlier members 216, the failing one its code, later 215; tree unchanged', async () => {
    const r = await onePackage([
      atomic(
        add('./Vendor/A', '1'),
        replace('./Vendor/Leaf', 'after'),
        replace('./Vendor/Missing', 'x'),
        add('./Vendor/B', '2'),
      ),
    ]);
    const a = r.p2.SyncBody.commands.find((c) => c.kind === 'Atomic') as {
      CmdID: string;
      commands: { CmdID: string }[];
    };
    expect(codesOf(r.p3, a.CmdID)).toEqual([507]);
    expect(a.commands.map((m) => codesOf(r.p3, m.CmdID)[0])).toEqual([216, 216, 404, 215]);
    expect(r.after).toBe(r.before);
  });

  it('a Get inside Atomic is 500 and the Atomic fails (507); nothing applied', async () => {
    const r = await onePackage([atomic(add('./Vendor/A', '1'), get('./Vendor/Leaf'))]);
    const a = r.p2.SyncBody.commands.find((c) => c.kind === 'Atomic') as {
      CmdID: string;
      commands: { CmdID: string }[];
    };
    expect(codesOf(r.p3, a.CmdID)).toEqual([507]);
    expect(codesOf(r.p3, a.commands[1]!.CmdID)).toEqual([500]);
    expect(codesOf(r.p3, a.commands[0]!.CmdID)).toEqual([216]);
    expect(r.p3.SyncBody.commands.some((c) => c.kind === 'Results')).toBe(false);
    expect(r.after).toBe(r.before);
  });

  it('a nested Atomic is 500', async () => {
    const r = await onePackage([atomic(atomic(add('./Vendor/A', '1')))]);
    const a = r.p2.SyncBody.commands.find((c) => c.kind === 'Atomic') as {
      CmdID: string;
      commands: { CmdID: string }[];
    };
    expect(codesOf(r.p3, a.CmdID)).toEqual([507]);
    expect(codesOf(r.p3, a.commands[0]!.CmdID)).toEqual([500]);
    expect(r.after).toBe(r.before);
  });

  it('1101 answered No inside Atomic: the Atomic fails and rolls back (304 for the alert)', async () => {
    const p = prompter({ kind: 'no' });
    const r = await onePackage(
      [
        atomic(
          replace('./Vendor/Leaf', 'after'),
          alert(1101, '', 'Apply new settings?'),
          add('./Vendor/B', '2'),
        ),
      ],
      p,
    );
    const a = r.p2.SyncBody.commands.find((c) => c.kind === 'Atomic') as {
      CmdID: string;
      commands: { CmdID: string }[];
    };
    expect(codesOf(r.p3, a.CmdID)).toEqual([507]);
    expect(a.commands.map((m) => codesOf(r.p3, m.CmdID)[0])).toEqual([216, 304, 215]);
    expect(r.after).toBe(r.before);
    expect(p.asked[0]?.text).toBe('Apply new settings?');
  });
});

describe('Sequence and UI alerts (oma-dm.md §9)', () => {
  it('1101 Yes = 200, then the Sequence runs on', async () => {
    const r = await onePackage(
      [sequence(alert(1101, 'MAXDT=30', 'OK?'), replace('./Vendor/Leaf', 'after'))],
      prompter({ kind: 'yes' }),
    );
    const s = r.p2.SyncBody.commands.find((c) => c.kind === 'Sequence') as {
      CmdID: string;
      commands: { CmdID: string }[];
    };
    expect(codesOf(r.p3, s.CmdID)).toEqual([200]);
    expect(s.commands.map((m) => codesOf(r.p3, m.CmdID)[0])).toEqual([200, 200]);
    expect(r.tree.get(DEVICE, './Vendor/Leaf').value).toBe('after');
  });

  it('1101 No inside Sequence: 304, the remaining members 215', async () => {
    const r = await onePackage(
      [sequence(alert(1101, '', 'OK?'), replace('./Vendor/Leaf', 'after'), add('./Vendor/B', '2'))],
      prompter({ kind: 'no' }),
    );
    const s = r.p2.SyncBody.commands.find((c) => c.kind === 'Sequence') as {
      CmdID: string;
      commands: { CmdID: string }[];
    };
    expect(s.commands.map((m) => codesOf(r.p3, m.CmdID)[0])).toEqual([304, 215, 215]);
    expect(r.after).toBe(r.before);
  });

  it('1101 No directly in SyncBody has no effect on the other commands', async () => {
    const r = await onePackage(
      [alert(1101, '', 'OK?'), replace('./Vendor/Leaf', 'after')],
      prompter({ kind: 'no' }),
    );
    expect(codesOf(r.p3, r.ids[0]!)).toEqual([304]);
    expect(codesOf(r.p3, r.ids[1]!)).toEqual([200]);
  });

  it('cancel: 214 for the alert and 215 for every later command of the package, inside and outside the Sequence', async () => {
    const r = await onePackage(
      [
        sequence(alert(1101, '', 'OK?'), replace('./Vendor/Leaf', 'after')),
        replace('./Vendor/Leaf', 'later'),
        get('./Vendor/Leaf'),
      ],
      prompter({ kind: 'cancel' }),
    );
    const s = r.p2.SyncBody.commands.find((c) => c.kind === 'Sequence') as {
      CmdID: string;
      commands: { CmdID: string }[];
    };
    expect(s.commands.map((m) => codesOf(r.p3, m.CmdID)[0])).toEqual([214, 215]);
    expect(codesOf(r.p3, r.ids[1]!)).toEqual([215]);
    expect(codesOf(r.p3, r.ids[2]!)).toEqual([215]);
    expect(r.after).toBe(r.before);
  });

  it('timeout: 408', async () => {
    const r = await onePackage([alert(1101, 'MAXDT=1', 'OK?')], prompter({ kind: 'timeout' }));
    expect(codesOf(r.p3, r.ids[0]!)).toEqual([408]);
  });

  it('1102 text input and 1104 multiple choice carry the answer in Status Items', async () => {
    const r = await onePackage(
      [alert(1102, 'MAXLEN=10', 'Your name?'), alert(1104, '', 'Pick', 'A', 'B', 'C')],
      prompter({ kind: 'text', text: 'Ada' }, { kind: 'choice', indices: [1, 3] }),
    );
    const [t] = statusOf(r.p3, r.ids[0]!);
    expect(t?.Data).toBe(200);
    expect(t?.Items.map((i) => i.Data)).toEqual(['Ada']);
    const [m] = statusOf(r.p3, r.ids[1]!);
    expect(m?.Items.map((i) => i.Data)).toEqual(['1', '3']);
  });

  it('no Prompter: UI alerts are answered 406', async () => {
    const r = await onePackage([alert(1100, '', 'Hello')]);
    expect(codesOf(r.p3, r.ids[0]!)).toEqual([406]);
  });
});
