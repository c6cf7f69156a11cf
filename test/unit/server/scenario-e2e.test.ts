/**
 * Shipped scenarios end to end: the handset's own DM client engine (src/core/dm/session.ts,
 * a memory tree, the fetch transport) against the reference server on 127.0.0.1.
 * The DM account is provisioned the way a real handset gets it: the server's DM bootstrap
 * push (USERPIN) goes through the handset's provisioning pipeline (oma-cp.md §9).
 * Flows: active-default-locked.md (scenarios 1-4) and two authorities with ACLs (9, oma-dm.md §12.4).
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { createFetchTransport } from '../../../src/adapters/fetch-transport.ts';
import { parseBase64 } from '../../../src/core/bytes/index.ts';
import { applyPlan, planProvisioning, receivePayload } from '../../../src/core/cp/provision.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { checkNotification, createSession, runSession } from '../../../src/core/dm/session.ts';
import { parsePush } from '../../../src/core/cp/push.ts';
import type { UserAnswer, UserInteraction } from '../../../src/core/dm/alerts.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import { devId as devIdOf } from '../../../src/core/device/identity.ts';
import type { DmServer } from '../../../src/server/dm-server.ts';
import { shippedServerFixture } from './dm-server-client.ts';

const setup = shippedServerFixture();

const clock = { now: () => Date.now() };
const random = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

async function handset() {
  const tree = await ManagementTree.openWithFactory(new MemoryTreeStore(), clock, DEFAULT_IDENTITY);
  return { tree, devId: devIdOf(DEFAULT_IDENTITY) };
}

/** The server bootstraps the account (DM profile, USERPIN 1234); the handset applies the push. */
async function bootstrap(s: DmServer, tree: ManagementTree, devId: string, authority: string): Promise<void> {
  const device = s.store.ensure(devId, 'api', Date.now());
  const { event } = s.sendPush(device, { kind: 'dm-bootstrap', sec: 'USERPIN', pin: '1234', authority });
  let record = receivePayload(parseBase64(event.bytes), {
    id: event.id,
    receivedAt: Date.now(),
    source: 'push',
    pin: '1234',
  });
  expect(record.verdict, JSON.stringify(record.error)).toBe('authentic');
  record = planProvisioning(record, tree);
  record = await applyPlan(record, tree, { at: Date.now() });
  expect(record.status, JSON.stringify(record.error)).toBe('applied');
}

function prompter(answers: (r: UserInteraction) => UserAnswer) {
  const asked: UserInteraction[] = [];
  return {
    asked,
    ask: async (r: UserInteraction): Promise<UserAnswer> => {
      asked.push(r);
      return answers(r);
    },
  };
}

async function connect(
  tree: ManagementTree,
  serverId: string,
  p?: ReturnType<typeof prompter>,
  extra: { maxMsgSize?: number } = {},
) {
  const session = createSession({ tree, serverId, clock, random, ...(p ? { prompter: p } : {}), ...extra });
  const trace = await runSession(session, createFetchTransport({ timeoutMs: 10000 }));
  return trace;
}

function mms(tree: ManagementTree, uri: string): string | undefined {
  return tree.get(DEVICE, uri).value;
}

describe('shipped scenarios against the handset engine', () => {
  it('1: a new MMS instance becomes Active', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    s.startScenario(s.store.get(devId)!, s.scenarios.get('mms-campaign')!);
    const trace = await connect(tree, 'ota-operator');
    expect(trace.outcome, trace.reason).toBe('completed');
    expect(mms(tree, './MMS/Campaign/Addr')).toBe('http://mmsc2.example.net/mms');
    expect(mms(tree, './MMS?prop=Active')).toBe('Campaign');
    expect(s.store.get(devId)!.history.at(-1)).toMatchObject({
      scenario: { name: 'mms-campaign' },
      state: 'passed',
    });
  });

  it('2: Active, Default and Locked', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    s.startScenario(s.store.get(devId)!, s.scenarios.get('mms-campaign-locked')!);
    await connect(tree, 'ota-operator');
    expect(mms(tree, './MMS/Campaign?prop=Active')).toBe('true');
    expect(mms(tree, './MMS/Campaign?prop=Default')).toBe('true');
    expect(mms(tree, './MMS/Campaign?prop=Locked')).toBe('true');
    expect(s.store.get(devId)!.history.at(-1)?.state).toBe('passed');
  });

  it('3: the user confirms (Yes) and the change is made', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    s.startScenario(s.store.get(devId)!, s.scenarios.get('mms-campaign-confirm')!);
    const p = prompter(() => ({ kind: 'yes' }));
    await connect(tree, 'ota-operator', p);
    expect(p.asked.map((a) => a.alertCode)).toEqual([1101]);
    expect(mms(tree, './MMS/Campaign?prop=Locked')).toBe('true');
    expect(s.store.get(devId)!.history.at(-1)?.state).toBe('passed');
  });

  it('3: the user refuses (No) and nothing changes', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    s.startScenario(s.store.get(devId)!, s.scenarios.get('mms-campaign-confirm')!);
    const p = prompter((r) => (r.alertCode === 1101 ? { kind: 'no' } : { kind: 'ok' }));
    await connect(tree, 'ota-operator', p);
    expect(p.asked.map((a) => a.alertCode)).toEqual([1101, 1100]);
    expect(tree.get(DEVICE, './MMS/Campaign').status).toBe(404);
    const run = s.store.get(devId)!.history.at(-1)!;
    expect(run.state).toBe('passed');
    expect(run.log.filter((l) => l.skipped === 'condition').length).toBe(2);
  });

  it('4: asks which MMS instance is Active, then locks it', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    s.startScenario(s.store.get(devId)!, s.scenarios.get('mms-campaign')!);
    await connect(tree, 'ota-operator');
    s.startScenario(s.store.get(devId)!, s.scenarios.get('lock-active-mms')!);
    await connect(tree, 'ota-operator');
    expect(mms(tree, './MMS/Campaign?prop=Locked')).toBe('true');
    const run = s.store.get(devId)!.history.at(-1)!;
    expect(run.state).toBe('passed');
    expect(run.log.find((l) => l.key === '0.0')).toMatchObject({ status: 200, data: 'Campaign' });
    expect(run.log.find((l) => l.key === '0.2')).toMatchObject({ status: 200, data: 'true' });
  });

  it('9: two authorities each manage their own instance and get 425 on the other', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    const device = s.store.get(devId)!;
    const started = s.startScenario(device, s.scenarios.get('two-authorities')!);
    // The scenario's own push: the enterprise's DM bootstrap; apply it as the handset would.
    const push = started.pushes.find((p) => p.event.kind === 'dm-bootstrap')!;
    let record = receivePayload(parseBase64(push.event.bytes), {
      id: 'e',
      receivedAt: Date.now(),
      source: 'push',
      pin: '1234',
    });
    record = await applyPlan(planProvisioning(record, tree), tree, { at: Date.now() });
    expect(record.status).toBe('applied');

    await connect(tree, 'ota-operator');
    expect(device.scenarios[0]?.sessionIndex).toBe(1);
    // The next session belongs to the enterprise; the server sent it a package 0.
    expect(s.store.pushes(devId).at(-1)).toMatchObject({ kind: 'package0' });
    await connect(tree, 'ota-enterprise');
    await connect(tree, 'ota-operator');
    const run = device.history.at(-1)!;
    expect(run.reason).toBeUndefined();
    expect(run.state).toBe('passed');
    const status = (title: string) => run.log.find((l) => l.title === title)?.status;
    expect(status('Enterprise changes the operator\u2019s MMSC (refused)'.replace('\u2019', "'"))).toBe(425);
    expect(status("Enterprise deletes the operator's instance (refused)")).toBe(425);
    expect(status("Operator changes the enterprise's MMSC (refused)")).toBe(425);
    expect(mms(tree, './MMS/Operator/Addr')).toBe('http://mmsc2.operator.example.net/mms');
    expect(mms(tree, './MMS/Enterprise/Addr')).toBe('http://mmsc.corp.example.com/mms');
  });

  it('8: large objects both ways, Atomic rollback, every UI alert (small MaxMsgSize)', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    s.startScenario(s.store.get(devId)!, s.scenarios.get('large-atomic-alerts')!);
    const t1 = await connect(tree, 'ota-operator', undefined, { maxMsgSize: 4096 });
    expect(t1.outcome, t1.reason).toBe('completed');
    expect(mms(tree, './MMS/Lab/Ext/Note')?.length).toBe(20000);
    expect(mms(tree, './MMS/Lab/Name')).toBe('Lab MMS');
    const p = prompter((r) =>
      r.alertCode === 1102
        ? { kind: 'text', text: 'Ada' }
        : r.alertCode === 1103 || r.alertCode === 1104
          ? { kind: 'choice', indices: [2] }
          : r.alertCode === 1101
            ? { kind: 'yes' }
            : { kind: 'ok' },
    );
    await connect(tree, 'ota-operator', p);
    expect(p.asked.map((a) => a.alertCode)).toEqual([1100, 1101, 1102, 1103, 1104]);
    const run = s.store.get(devId)!.history.at(-1)!;
    expect(run.state, run.reason).toBe('passed');
    const byKey = (k: string) => run.log.find((l) => l.key === k);
    expect(byKey('0.2')?.data?.length).toBe(20000);
    expect(byKey('0.3')?.status).toBe(507);
    expect(byKey('0.3.0')?.status).toBe(216);
    expect(byKey('1.2')?.data).toBe('Ada');
    expect(byKey('1.3')?.data).toBe('2');
    // The server chunked the note: at least one message was not Final.
    const trace = s.store.get(devId)!.sessions.at(-2)!.trace;
    expect(trace.messages.filter((m) => m.direction === 'out' && m.final === false).length).toBeGreaterThan(
      0,
    );
    expect(trace.messages.filter((m) => m.direction === 'out').every((m) => m.size <= 4096)).toBe(true);
  });

  it('7: a package 0 per UI mode, each starting a server-initiated session (Alert 1200, SessionID = hex id)', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    const started = s.startScenario(s.store.get(devId)!, s.scenarios.get('notification-ui-modes')!);
    let push = started.pushes.at(-1)!.event;
    const p = prompter((r) => (r.alertCode === 1101 ? { kind: 'yes' } : { kind: 'ok' }));
    const modes: string[] = [];
    for (let i = 0; i < 4; i++) {
      expect(push.kind).toBe('package0');
      const check = checkNotification(tree, parsePush(parseBase64(push.bytes)).body);
      expect(check.ok, JSON.stringify(check)).toBe(true);
      if (!check.ok) return;
      expect(check.nonceUsed).toBe('stored');
      modes.push(check.uiMode);
      const session = createSession({
        tree,
        serverId: 'ota-operator',
        clock,
        random,
        prompter: p,
        notification: check,
      });
      const trace = await runSession(session, createFetchTransport({ timeoutMs: 10000 }));
      expect(trace.outcome, trace.reason).toBe('completed');
      const summary = s.store.get(devId)!.sessions.at(-1)!;
      expect(summary).toMatchObject({ initiator: 'server', sessionId: check.sessionId });
      if (i < 3) push = s.store.pushes(devId).at(-1)!;
    }
    expect(modes).toEqual(['not-specified', 'background', 'informative', 'user-interaction']);
    expect(s.store.get(devId)!.history.at(-1)?.state).toBe('passed');
  });

  it('5: PoC settings by CP push, then updated by DM', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    await bootstrap(s, tree, devId, 'ota-operator');
    const started = s.startScenario(s.store.get(devId)!, s.scenarios.get('poc-provisioning')!);
    const cp = started.pushes.find((x) => x.event.kind === 'cp')!;
    let record = receivePayload(parseBase64(cp.event.bytes), {
      id: 'cp',
      receivedAt: Date.now(),
      source: 'push',
      pin: '1234',
    });
    record = await applyPlan(planProvisioning(record, tree), tree, { at: Date.now() });
    expect(record.status, JSON.stringify(record.error)).toBe('applied');
    const active = tree.get(DEVICE, './PoC?prop=Active').value;
    expect(active).toBeTruthy();
    await connect(tree, 'ota-operator');
    expect(mms(tree, `./PoC/${active}/ConfFactoryUri`)).toBe('sip:conference-factory@poc.example.net');
    expect(mms(tree, `./PoC/${active}/XdmsRootUri`)).toBe('https://xdms.poc.example.net/xcap-root');
    expect(s.store.get(devId)!.history.at(-1)?.state).toBe('passed');
  });

  it('6: DM account by CP w7 bootstrap, then the first client-initiated session', async () => {
    const { server: s } = await setup();
    const { tree, devId } = await handset();
    s.store.ensure(devId, 'api', Date.now());
    const started = s.startScenario(s.store.get(devId)!, s.scenarios.get('dm-bootstrap-cp')!);
    const cp = started.pushes.find((x) => x.event.kind === 'cp-bootstrap')!;
    let record = receivePayload(parseBase64(cp.event.bytes), {
      id: 'w7',
      receivedAt: Date.now(),
      source: 'push',
      pin: '1234',
    });
    record = await applyPlan(planProvisioning(record, tree), tree, { at: Date.now() });
    expect(record.status, JSON.stringify(record.error)).toBe('applied');
    const p = prompter(() => ({ kind: 'ok' }));
    const trace = await connect(tree, 'ota-operator', p);
    expect(trace.outcome, trace.reason).toBe('completed');
    expect(s.store.get(devId)!.sessions.at(-1)).toMatchObject({ initiator: 'client', outcome: 'completed' });
    expect(p.asked.map((a) => a.alertCode)).toEqual([1100]);
    expect(s.store.get(devId)!.history.at(-1)?.state).toBe('passed');
  });
});
