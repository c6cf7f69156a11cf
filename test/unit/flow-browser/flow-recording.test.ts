/**
 * The recorder's output (flow-recording.ts): the same events the browser's states emit, made from
 * real inbox records of the CP pipeline, become a flow that validates and that the headless
 * device replays with every step passing.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { parseHex, toHex } from '../../../src/core/bytes/index.ts';
import type { InboxRecord } from '../../../src/core/cp/inbox.ts';
import {
  applyPlan,
  planProvisioning,
  receivePayload,
  rejectProvisioning,
  submitPin,
} from '../../../src/core/cp/provision.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import type { SessionTrace } from '../../../src/core/dm/trace.ts';
import { buildPackage0 } from '../../../src/core/dm/package0.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { FlowRecording, payloadHex } from '../../../src/state/flow-recording.ts';
import { clock, runAgainst, ROOT } from '../flow/support.ts';

const imsi = DEFAULT_IDENTITY.imsi;

async function mmsPayload(): Promise<Uint8Array> {
  const text = await readFile(resolve(ROOT, 'examples/flows/payloads/mms-userpin.hex'), 'utf8');
  return parseHex(text.replace(/#.*$/gm, '').replace(/\s/g, ''));
}

/** What ProvisioningState does on the phone, step by step, with the core pipeline. */
class Phone {
  private n = 0;
  constructor(readonly tree: ManagementTree) {}
  receive(input: Uint8Array | string): InboxRecord {
    const r = receivePayload(input, { id: `m${++this.n}`, receivedAt: 1, source: 'paste', imsi });
    return r.status === 'received' ? planProvisioning(r, this.tree) : r;
  }
  pin(record: InboxRecord, pin: string): InboxRecord {
    const r = submitPin(record, pin, { imsi });
    return r.status === 'received' ? planProvisioning(r, this.tree) : r;
  }
  accept(record: InboxRecord): Promise<InboxRecord> {
    return applyPlan(record, this.tree, { at: 2, acceptUnsigned: record.verdict === 'unsigned' });
  }
}

function trace(initiator: 'client' | 'server', outcome: SessionTrace['outcome']): SessionTrace {
  return {
    version: 1,
    SessionID: '1',
    serverId: 'ota-operator',
    accountUri: './DMAcc/op',
    serverUrl: 'http://127.0.0.1/dm',
    initiator,
    encoding: 'wbxml',
    started: 1,
    ended: 2,
    ...(outcome ? { outcome } : {}),
    messages: [],
    commands: [],
    events: [],
  };
}

async function phone(): Promise<Phone> {
  return new Phone(await ManagementTree.openWithFactory(new MemoryTreeStore(), clock, DEFAULT_IDENTITY));
}

describe('flow recording', () => {
  it('turns a wrong PIN, the right PIN, Accept, a user change and an assertion into a flow that replays', async () => {
    const p = await phone();
    const rec = new FlowRecording();
    const bytes = await mmsPayload();

    let r = p.receive(bytes);
    expect(r.status).toBe('awaiting-pin');
    rec.cpReceived(r);
    r = p.pin(r, '0000');
    expect(r.status).toBe('awaiting-pin');
    rec.cpPin(r, '0000');
    r = p.pin(r, '1234');
    expect(r.status).toBe('awaiting-consent');
    rec.cpPin(r, '1234');
    r = await p.accept(r);
    expect(r.status).toBe('applied');
    rec.cpDecided(r, 'accept');

    const addr = './MMS/Example_MMS/Addr';
    const change = await p.tree.replace({ kind: 'local-user' }, addr, { value: 'http://mine.example/mms' });
    rec.userChanged([{ op: 'replace', uri: addr, value: 'http://mine.example/mms' }], [change.status]);
    rec.addAssertion({ uri: addr, equals: 'http://mine.example/mms' });
    rec.addAssertion({ uri: './MMS/Example_MMS', active: true, locked: false });

    const built = rec.toFlow({ name: 'recorded' });
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    expect(built.notes).toEqual([]);
    const hex = toHex(bytes);
    expect(built.flow.steps).toEqual([
      { type: 'cp', payload: { hex }, pin: '0000', expect: { result: 'refused', code: 'mac-mismatch' } },
      { type: 'cp', payload: { hex }, pin: '1234' },
      { type: 'user-change', uri: addr, value: 'http://mine.example/mms' },
      {
        type: 'assert',
        tree: [
          { uri: addr, equals: 'http://mine.example/mms' },
          { uri: './MMS/Example_MMS', active: true, locked: false },
        ],
      },
    ]);

    const { report } = await runAgainst(built.flow, undefined);
    expect(report.steps.map((s) => [s.outcome, s.failures])).toEqual(
      built.flow.steps.map(() => ['passed', []]),
    );
    expect(report.passed).toBe(true);
  });

  it('records a rejection before the PIN and a message left waiting as the headless device replays them', async () => {
    const p = await phone();
    const rec = new FlowRecording();
    const bytes = await mmsPayload();
    const first = p.receive(bytes);
    rec.cpReceived(first);
    rec.cpDecided(rejectProvisioning(first, { at: 3 }), 'reject');
    const second = p.receive(bytes);
    rec.cpReceived(second); // never answered: the phone still asks for the PIN
    const third = p.pin(p.receive(bytes), '1234');
    rec.cpReceived(third); // PIN typed, preview not answered: left out
    const built = rec.toFlow({ name: 'left' });
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    expect(built.flow.steps).toEqual([
      {
        type: 'cp',
        payload: { hex: toHex(bytes) },
        decision: 'reject',
        expect: { result: 'refused', code: 'pin-required' },
      },
      { type: 'cp', payload: { hex: toHex(bytes) }, expect: { result: 'refused', code: 'pin-required' } },
    ]);
    expect(built.notes).toHaveLength(1);
    const { report } = await runAgainst(built.flow, undefined);
    expect(report.passed).toBe(true);
  });

  it('puts prompt answers before the session that asked them and keeps refused user changes as refusals', () => {
    const rec = new FlowRecording();
    rec.promptAnswered({ kind: 'yes' });
    rec.promptAnswered({ kind: 'choice', indices: [2] });
    rec.operatorChangeAnswered(false);
    rec.sessionFinished(trace('client', 'completed'));
    rec.sessionFinished(trace('client', 'failed'));
    rec.userChanged(
      [
        { op: 'replace', uri: './MMS/a/Name', value: 'A' },
        { op: 'replace', uri: './MMS/a/Addr', value: 'http://x' },
      ],
      [216, 405],
    );
    rec.userChanged(
      [
        { op: 'add', uri: './MMS/b', format: 'node' },
        { op: 'delete', uri: './MMS/c' },
      ],
      [200, 200],
    );
    const built = rec.toFlow({ name: 'sessions' });
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    expect(built.flow.steps).toEqual([
      { type: 'answer', answers: ['yes', { choice: [2] }, { operatorChange: 'refuse' }] },
      { type: 'connect', serverId: 'ota-operator' },
      { type: 'connect', serverId: 'ota-operator', expect: { outcome: 'failed' } },
      {
        type: 'user-change',
        uri: './MMS/a/Addr',
        value: 'http://x',
        expect: { result: 'refused', status: 405 },
      },
      { type: 'user-change', uri: './MMS/b', op: 'add' },
      { type: 'user-change', uri: './MMS/c', op: 'delete' },
    ]);
  });

  it('records notifications: built from the account when accepted, bytes and check code when refused', () => {
    const rec = new FlowRecording();
    const body = buildPackage0(
      { serverId: 'ota-operator', uiMode: 'user-interaction', initiator: 'server', sessionId: 7 },
      { password: 'secret', nonce: new Uint8Array(0) },
    );
    rec.promptAnswered({ kind: 'ok' });
    rec.sessionFinished(trace('server', 'completed'));
    rec.notificationHandled(body, { ok: true, action: 'asked-user', traceId: 't' });
    rec.notificationHandled(body, { ok: true, action: 'declined-by-user' });
    rec.notificationHandled(body, { ok: false, code: 'digest-mismatch', message: 'wrong digest' });
    rec.notificationHandled(body, { ok: false, code: 'busy', message: 'a session is running' });
    const built = rec.toFlow({ name: 'notify' });
    if (!built.ok) throw new Error(JSON.stringify(built.errors));
    const build = { serverId: 'ota-operator', uiMode: 'user-interaction', sessionId: 7 };
    expect(built.flow.steps).toEqual([
      { type: 'answer', answers: ['ok'] },
      { type: 'notification', build },
      { type: 'notification', build, consent: 'no', expect: { connected: false } },
      {
        type: 'notification',
        payload: { hex: toHex(body) },
        expect: { check: 'digest-mismatch', connected: false },
      },
    ]);
    expect(built.notes[0]).toContain('busy');
  });

  it('reads pasted text as the bytes it stands for', async () => {
    const bytes = await mmsPayload();
    const p = await phone();
    const pasted = p.receive(toHex(bytes).toUpperCase());
    expect(pasted.rawIsText).toBe(true);
    expect(payloadHex(pasted)).toBe(toHex(bytes));
  });

  it('refuses to build an empty recording', () => {
    const built = new FlowRecording().toFlow({ name: 'empty' });
    expect(built.ok).toBe(false);
  });
});
