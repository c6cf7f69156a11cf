/**
 * Status faults inside Atomic and Sequence (decisions 0128, 0160): a faulted member of an Atomic
 * fails it like any failing member (507, earlier members 216, later ones 215, the tree as before);
 * in a Sequence the faulted item gets the fault's code and the other members still run.
 */
import { describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../../src/core/dm/faults.ts';
import type { Command, SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import {
  add,
  atomic,
  cmdIdOf,
  codesOf,
  exec,
  handset,
  replace,
  reply,
  runAgainst,
  sequence,
  statusOf,
} from '../session/harness.ts';

/** Runs one server package with the fault plan; returns the handset's answer and the tree. */
async function onePackage(commands: Command[], faults: FaultPlan) {
  const { tree } = await handset();
  await tree.add(DEVICE, './Vendor', { format: 'node', acl: 'Add=*&Delete=*&Get=*&Replace=*&Exec=*' });
  await tree.add(DEVICE, './Vendor/Leaf', { value: 'before' });
  const snapshot = () => JSON.stringify(tree.snapshot().filter((r) => !r.uri.startsWith('./DMAcc')));
  const before = snapshot();
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
    { faults },
  );
  return { tree, session, p2, p3: sent[1]!, before, after: snapshot() };
}

describe('status faults inside Atomic', () => {
  it('a faulted member fails the Atomic: 507, earlier members 216, the faulted one its code, later 215; nothing applied', async () => {
    const r = await onePackage(
      [atomic(add('./Vendor/A', '1'), replace('./Vendor/Leaf', 'after'), add('./Vendor/B', '2'))],
      [{ kind: 'status', target: './Vendor/Leaf', command: 'Replace', status: 500 }],
    );
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Atomic'))).toEqual([507]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/A'))).toEqual([216]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Replace', './Vendor/Leaf'))).toEqual([500]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/B'))).toEqual([215]);
    expect(r.after).toBe(r.before);
    expect(r.tree.get(DEVICE, './Vendor/A').status).toBe(404);
    const injected = r.session.trace.commands.flatMap((c) => c.statuses).find((s) => s.code === 500);
    expect(injected?.reason).toMatch(/injected fault status:\.\/Vendor\/Leaf:Replace=500/);
  });

  it('reaches members of a Sequence nested in an Atomic', async () => {
    const r = await onePackage(
      [atomic(add('./Vendor/A', '1'), sequence(add('./Vendor/B', '2')))],
      [{ kind: 'status', target: './Vendor/B', status: 425 }],
    );
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Atomic'))).toEqual([507]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/B'))).toEqual([425]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/A'))).toEqual([216]);
    expect(r.after).toBe(r.before);
  });

  it('a faulted Exec fails the Atomic before the batch commits', async () => {
    const r = await onePackage(
      [atomic(replace('./Vendor/Leaf', 'after'), exec('./Vendor/Run'))],
      [{ kind: 'status', target: './Vendor/Run', command: 'Exec', status: 500 }],
    );
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Atomic'))).toEqual([507]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Replace', './Vendor/Leaf'))).toEqual([216]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Exec'))).toEqual([500]);
    expect(r.tree.get(DEVICE, './Vendor/Leaf').value).toBe('before');
  });

  it('a 2xx fault answers that code without executing the item; the Atomic commits the rest', async () => {
    const r = await onePackage(
      [atomic(add('./Vendor/A', '1'), replace('./Vendor/Leaf', 'after'))],
      [{ kind: 'status', target: './Vendor/Leaf', status: 200 }],
    );
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Atomic'))).toEqual([200]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Replace', './Vendor/Leaf'))).toEqual([200]);
    expect(r.tree.get(DEVICE, './Vendor/A').value).toBe('1');
    expect(r.tree.get(DEVICE, './Vendor/Leaf').value).toBe('before');
  });

  it('without a matching fault the Atomic runs as usual', async () => {
    const r = await onePackage(
      [atomic(add('./Vendor/A', '1'), replace('./Vendor/Leaf', 'after'))],
      [{ kind: 'status', target: './Other/**', status: 500 }],
    );
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Atomic'))).toEqual([200]);
    expect(r.tree.get(DEVICE, './Vendor/Leaf').value).toBe('after');
  });
});

describe('status faults inside Sequence', () => {
  it('the faulted item gets the code and is not executed; other items and members run', async () => {
    const two: Command = {
      kind: 'Replace',
      CmdID: '',
      Items: [
        { Target: { LocURI: './Vendor/Leaf' }, Data: 'after' },
        { Target: { LocURI: './Vendor/A' }, Data: 'x' },
      ],
    };
    const r = await onePackage(
      [sequence(add('./Vendor/A', '1'), two, add('./Vendor/B', '2'))],
      [{ kind: 'status', target: './Vendor/Leaf', command: 'Replace', status: 503 }],
    );
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Sequence'))).toEqual([200]);
    const replaceStatuses = statusOf(r.p3, cmdIdOf(r.p2, 'Replace', './Vendor/Leaf'));
    expect(replaceStatuses.map((s) => [s.TargetRef?.[0], s.Data])).toEqual([
      ['./Vendor/Leaf', 503],
      ['./Vendor/A', 200],
    ]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/B'))).toEqual([200]);
    expect(r.tree.get(DEVICE, './Vendor/Leaf').value).toBe('before');
    expect(r.tree.get(DEVICE, './Vendor/A').value).toBe('x');
  });

  it('reaches an Atomic nested in a Sequence', async () => {
    const r = await onePackage(
      [sequence(add('./Vendor/A', '1'), atomic(add('./Vendor/B', '2'), add('./Vendor/C', '3')))],
      [{ kind: 'status', target: './Vendor/C', status: 500 }],
    );
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/A'))).toEqual([200]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Atomic'))).toEqual([507]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/B'))).toEqual([216]);
    expect(codesOf(r.p3, cmdIdOf(r.p2, 'Add', './Vendor/C'))).toEqual([500]);
    expect(r.tree.get(DEVICE, './Vendor/A').value).toBe('1');
    expect(r.tree.get(DEVICE, './Vendor/B').status).toBe(404);
  });
});
