/**
 * Management commands in a session against a scripted server (shared/spec/oma-dm.md §3-§5).
 * Expected codes come from the spec's command table (§5), not from the engine.
 */
import { describe, expect, it } from 'vitest';
import type { Results, Status, SyncMLMessage } from '../../../src/core/syncml/message.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import { createExecRegistry, FACTORY_RESET_URI } from '../../../src/core/dm/exec-registry.ts';
import {
  add,
  codesOf,
  commandIds,
  copy,
  del,
  DEV_ID,
  exec,
  get,
  handset,
  replace,
  reply,
  runAgainst,
  statuses,
} from './harness.ts';

describe('package 1 contents', () => {
  it('Alert 1201 + Replace of each DevInfo leaf; Cred is the spec example for basic', async () => {
    const { tree } = await handset();
    const { session, sent, server } = await runAgainst(tree, (req) => ({ message: reply(req) }), {
      account: { client: { type: 'BASIC', name: 'Bruce2', secret: 'OhBehave' } },
    });
    expect(server.errors).toEqual([]);
    expect(sent).toHaveLength(1);
    const p1 = sent[0]!;
    expect(p1.SyncHdr.VerDTD).toBe('1.2');
    expect(p1.SyncHdr.VerProto).toBe('DM/1.2');
    expect(p1.SyncHdr.MsgID).toBe('1');
    expect(p1.SyncHdr.Source.LocURI).toBe(DEV_ID);
    // [PRO 24] example: Bruce2 / OhBehave -> QnJ1Y2UyOk9oQmVoYXZl
    expect(p1.SyncHdr.Cred?.Data).toBe('QnJ1Y2UyOk9oQmVoYXZl');
    expect(p1.SyncHdr.Cred?.Meta?.Type).toBe('syncml:auth-basic');
    expect(p1.SyncHdr.Meta?.MaxMsgSize).toBeGreaterThan(0);
    const [alert, devinfo] = p1.SyncBody.commands;
    expect(alert).toMatchObject({ kind: 'Alert', Data: 1201 });
    expect(devinfo?.kind).toBe('Replace');
    const uris = devinfo?.kind === 'Replace' ? devinfo.Items.map((i) => i.Source?.LocURI) : [];
    for (const leaf of [
      './DevInfo/DevId',
      './DevInfo/Man',
      './DevInfo/Mod',
      './DevInfo/DmV',
      './DevInfo/Lang',
    ])
      expect(uris).toContain(leaf);
    expect(p1.SyncBody.Final).toBe(true);
    // The server's package held no commands: no status-only package is sent [PRO 23].
    expect(session.outcome).toBe('completed');
  });
});

describe('statuses per command', () => {
  it('uses the codes of the spec', async () => {
    const { tree } = await handset();
    // Give the server Delete on ./DevInfo so that the permanent-node rule (405) is what refuses it.
    expect((await tree.replace(DEVICE, './DevInfo?prop=ACL', { value: 'Delete=*&Get=*' })).status).toBe(200);
    const commands = [
      get('./DevInfo/Man'),
      add('./Vendor', undefined, 'node'),
      add('./Vendor/Leaf', 'v1'),
      replace('./Vendor/Leaf', 'v2'),
      get('./Vendor/Leaf'),
      get('./Nope'),
      add('./Vendor/Leaf', 'again'),
      replace('./Vendor/Missing', 'x'),
      del('./DevInfo'),
      add('./Vendor/Copy', ''),
      copy('./Vendor/Copy', './Vendor/Leaf'),
      get('./DevInfo'),
      get('./Vendor/Leaf?prop=Format'),
      get('./Vendor?list=Struct'),
      replace('./DevInfo/Man', 'Evil'),
      del('./Vendor/Copy'),
    ];
    let p2 = undefined as unknown as SyncMLMessage;
    const { session, sent } = await runAgainst(tree, (req, i) => {
      if (i === 0) {
        p2 = reply(req, commands);
        return { message: p2 };
      }
      return { message: reply(req, [], { ack: false }) };
    });
    expect(session.outcome, session.reason).toBe('completed');
    expect(sent).toHaveLength(2);
    const p3 = sent[1]!;
    // Status for the SyncHdr first: CmdRef 0, Cmd SyncHdr, MsgRef = the server's MsgID [REP 41; oma-dm.md §4].
    const first = p3.SyncBody.commands[0] as Status;
    expect(first).toMatchObject({
      kind: 'Status',
      CmdRef: '0',
      Cmd: 'SyncHdr',
      MsgRef: p2.SyncHdr.MsgID,
      Data: 200,
    });
    expect(first.TargetRef).toEqual([p2.SyncHdr.Target.LocURI]);
    expect(first.SourceRef).toEqual([p2.SyncHdr.Source.LocURI]);
    const ids = commandIds(p2);
    const at = (i: number) => codesOf(p3, ids[i]!);
    expect(at(0)).toEqual([200]); // Get leaf
    expect(at(1)).toEqual([200]); // Add interior
    expect(at(2)).toEqual([200]); // Add leaf
    expect(at(3)).toEqual([200]); // Replace
    expect(at(4)).toEqual([200]); // Get
    expect(at(5)).toEqual([404]); // Get of a missing node
    expect(at(6)).toEqual([418]); // Add of an existing node
    expect(at(7)).toEqual([404]); // Replace never creates
    expect(at(8)).toEqual([405]); // Delete of a permanent node
    expect(at(9)).toEqual([200]); // Add empty leaf
    expect(at(10)).toEqual([200]); // Copy leaf to leaf
    expect(at(11)).toEqual([200]); // Get interior
    expect(at(12)).toEqual([200]); // Get ?prop
    expect(at(13)).toEqual([200]); // Get ?list=Struct
    expect(at(14)).toEqual([425]); // DevInfo ACL is Get=* only
    expect(at(15)).toEqual([200]); // Delete

    // Results come after the Get's Status, reference the Get, carry the value [REP 41; oma-dm.md §4].
    const body = p3.SyncBody.commands;
    const results = body.filter((c): c is Results => c.kind === 'Results');
    const manResults = results.find((r) => r.CmdRef === ids[0])!;
    expect(manResults.MsgRef).toBe(p2.SyncHdr.MsgID);
    expect(manResults.Items[0]?.Source?.LocURI).toBe('./DevInfo/Man');
    expect(manResults.Items[0]?.Data).toBe(tree.get(DEVICE, './DevInfo/Man').value);
    const statusIndex = body.findIndex((c) => c.kind === 'Status' && c.CmdRef === ids[0]);
    expect(body.indexOf(manResults)).toBeGreaterThan(statusIndex);
    expect(results.find((r) => r.CmdRef === ids[4])?.Items[0]?.Data).toBe('v2');
    const interior = results.find((r) => r.CmdRef === ids[11])!.Items[0]!;
    expect(interior.Meta?.Format).toBe('node');
    expect(String(interior.Data).split('/')).toContain('Man');
    expect(results.find((r) => r.CmdRef === ids[12])?.Items[0]?.Data).toBe('chr');
    const struct = results.find((r) => r.CmdRef === ids[13])!;
    expect(struct.Items.map((i) => i.Source?.LocURI)).toEqual(['./Vendor', './Vendor/Leaf', './Vendor/Copy']);
    // Failed Gets have no Results.
    expect(results.find((r) => r.CmdRef === ids[5])).toBeUndefined();
    // The tree holds the durable effects.
    expect(tree.get(DEVICE, './Vendor/Leaf').value).toBe('v2');
    expect(tree.record('./Vendor/Copy')).toBeUndefined();
    // Status TargetRef echoes the Item's target.
    expect(statuses(p3).find((s) => s.CmdRef === ids[5])?.TargetRef).toEqual(['./Nope']);
    // The trace pairs commands with statuses and explains codes.
    const traced = session.trace.commands.find((c) => c.from === 'server' && c.CmdID === ids[5]);
    expect(traced?.statuses[0]).toMatchObject({ code: 404, text: 'Not found' });
    expect(JSON.parse(JSON.stringify(session.trace))).toEqual(session.trace);
  });

  it('Exec: registered node runs (200), unknown node 404, existing non-executable node 405', async () => {
    const { tree } = await handset();
    let resets = 0;
    const registry = createExecRegistry({
      factoryReset: async () => {
        resets++;
      },
    });
    let p2 = undefined as unknown as SyncMLMessage;
    const { sent } = await runAgainst(
      tree,
      (req, i) => {
        if (i === 0) {
          p2 = reply(req, [exec(FACTORY_RESET_URI), exec('./Nope/Run'), exec('./DevInfo/Man')]);
          return { message: p2 };
        }
        return { message: reply(req, [], { ack: false }) };
      },
      { exec: registry },
    );
    const ids = commandIds(p2);
    expect(codesOf(sent[1]!, ids[0]!)).toEqual([200]);
    expect(codesOf(sent[1]!, ids[1]!)).toEqual([404]);
    expect(codesOf(sent[1]!, ids[2]!)).toEqual([405]);
    expect(resets).toBe(1);
  });
});
