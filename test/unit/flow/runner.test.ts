/**
 * Every step type against the in-process reference server (shipped scenarios), plus failing
 * checks reported with expected and actual values.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatFlowReport, narrate } from '../../../src/core/flow/runner.ts';
import type { FlowStep } from '../../../src/core/flow/types.ts';
import type { DmServer } from '../../../src/server/dm-server.ts';
import { ROOT, failuresOf, flowOf, referenceServer, runAgainst } from './support.ts';

let server: DmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<string> {
  const started = await referenceServer();
  server = started.server;
  return started.base;
}

const MMS_HEX = async () =>
  (await readFile(resolve(ROOT, 'test/vectors/cp/push-userpin.hex'), 'utf8')).trim();

/** The w7 bootstrap and the first session, as the storyboard does it. */
const BOOTSTRAP: FlowStep[] = [
  { type: 'scenario', name: 'dm-bootstrap-cp' },
  { type: 'push', kind: 'cp-bootstrap', pin: '1234' },
  { type: 'answer', answers: ['ok'] },
  { type: 'connect', serverId: 'ota-operator' },
];

const flow = (steps: FlowStep[]) => flowOf({ format: 'ota-handset-flow/1', name: 't', steps });

describe('flow steps against the reference server', () => {
  it('cp: hex payload, reject leaves the tree unchanged; a missing PIN is refused', async () => {
    const hex = await MMS_HEX();
    const { report } = await runAgainst(
      flow([
        { type: 'cp', payload: { hex }, pin: '1234', decision: 'reject' },
        { type: 'assert', tree: [{ uri: './MMS/Example_MMS', exists: false }] },
        { type: 'cp', payload: { hex }, expect: { result: 'refused', code: 'pin-required' } },
        { type: 'cp', payload: { base64: Buffer.from(hex, 'hex').toString('base64') }, pin: '1234' },
        { type: 'assert', tree: [{ uri: './MMS/Example_MMS', exists: true, active: true }] },
      ]),
      undefined,
    );
    expect(report.passed, failuresOf(report)).toBe(true);
    expect(report.steps[0]!.detail).toMatch(/rejected/);
  });

  it('notification: built from fields; the user declines a user-interaction one, a background one connects', async () => {
    const base = await start();
    const { report } = await runAgainst(
      flow([
        ...BOOTSTRAP,
        {
          type: 'notification',
          build: { serverId: 'ota-operator', uiMode: 'user-interaction', sessionId: 7 },
          consent: 'no',
          expect: { check: 'ok', connected: false },
        },
        {
          type: 'notification',
          build: { serverId: 'ota-operator', uiMode: 'background', sessionId: 8 },
          expect: { outcome: 'completed' },
        },
        { type: 'assert', session: { outcome: 'completed' } },
      ]),
      base,
    );
    expect(report.passed, failuresOf(report)).toBe(true);
    expect(report.steps[4]!.detail).toMatch(/declined/);
    expect(report.steps[5]!.detail).toMatch(/Session 8 with ota-operator: completed/);
  });

  it('push: a package 0 from a scenario starts the server-initiated session', async () => {
    const base = await start();
    const { report } = await runAgainst(
      flow([
        ...BOOTSTRAP,
        { type: 'scenario', name: 'notification-ui-modes' },
        { type: 'push', kind: 'package0', expect: { outcome: 'completed' } },
      ]),
      base,
    );
    expect(report.passed, failuresOf(report)).toBe(true);
    expect(report.steps[5]!.detail).toMatch(/package 0/);
  });

  it('answer: text and choices reach the server (scenario large-atomic-alerts, second session)', async () => {
    const base = await start();
    const { report } = await runAgainst(
      flow([
        ...BOOTSTRAP,
        { type: 'scenario', name: 'large-atomic-alerts' },
        { type: 'connect', serverId: 'ota-operator' },
        { type: 'answer', answers: ['ok', 'yes', { text: 'Ada' }, { choice: [2] }, { choice: [2] }] },
        {
          type: 'connect',
          serverId: 'ota-operator',
          expect: { outcome: 'completed', prompts: [1100, 1101, 1102, 1103, 1104] },
        },
        { type: 'assert', tree: [{ uri: './MMS/Lab/Name', equals: 'Lab MMS' }] },
      ]),
      base,
    );
    expect(report.passed, failuresOf(report)).toBe(true);
    expect(report.steps[7]!.detail).toMatch(/1102: text "Ada"/);
  });

  it('connect with a status fault: the server sees 500 and the tree is unchanged', async () => {
    const base = await start();
    const { report } = await runAgainst(
      flow([
        ...BOOTSTRAP,
        { type: 'scenario', name: 'mms-campaign' },
        {
          type: 'connect',
          serverId: 'ota-operator',
          faults: [{ kind: 'status', target: './MMS/*?prop=Active', command: 'Replace', status: 500 }],
          expect: {
            statuses: [
              { command: 'Add', target: './MMS/Campaign', status: 200 },
              { command: 'Replace', target: './MMS/Campaign?prop=Active', status: 500 },
            ],
          },
        },
        { type: 'assert', tree: [{ uri: './MMS/Campaign', exists: true, active: false }] },
      ]),
      base,
    );
    expect(report.passed, failuresOf(report)).toBe(true);
    expect(server!.store.all()[0]!.history.at(-1)?.state).toBe('failed');
  });

  it('operator-change answers: the user refuses the lock, the server gets 215', async () => {
    const base = await start();
    const { report } = await runAgainst(
      flow([
        ...BOOTSTRAP,
        { type: 'scenario', name: 'mms-campaign-locked' },
        {
          type: 'answer',
          answers: [{ operatorChange: 'allow' }, { operatorChange: 'allow' }, { operatorChange: 'refuse' }],
        },
        {
          type: 'connect',
          serverId: 'ota-operator',
          expect: { statuses: [{ command: 'Replace', target: './MMS/Campaign?prop=Locked', status: 215 }] },
        },
        { type: 'assert', tree: [{ uri: './MMS/Campaign', active: true, default: true, locked: false }] },
      ]),
      base,
    );
    expect(report.passed, failuresOf(report) + formatFlowReport(report)).toBe(true);
    expect(report.steps[6]!.detail).toMatch(/refused: lock/);
  });

  it('user-change: a property and an add as the user; a Locked instance refuses', async () => {
    const base = await start();
    const { report } = await runAgainst(
      flow([
        ...BOOTSTRAP,
        { type: 'scenario', name: 'mms-campaign-locked' },
        { type: 'connect', serverId: 'ota-operator' },
        {
          type: 'user-change',
          uri: './MMS/Campaign',
          op: 'delete',
          expect: { result: 'refused-locked', status: 405 },
        },
        {
          type: 'user-change',
          uri: './MMS/Campaign?prop=Locked',
          value: 'false',
          expect: { result: 'refused' },
        },
        { type: 'user-change', uri: './MMS/Mine', op: 'add', expect: { result: 'ok' } },
        { type: 'user-change', uri: './MMS/Mine/Addr', op: 'add', value: 'http://m.example/mms' },
        {
          type: 'assert',
          tree: [
            { uri: './MMS/Mine/Addr', equals: 'http://m.example/mms' },
            { uri: './MMS/Campaign', locked: true },
          ],
        },
      ]),
      base,
    );
    expect(report.passed, failuresOf(report) + formatFlowReport(report)).toBe(true);
  });
});

describe('failures are reported, not thrown', () => {
  it('each failed check says what was expected and what came; later steps still run', async () => {
    const hex = await MMS_HEX();
    const { report } = await runAgainst(
      flow([
        { type: 'cp', payload: { hex }, pin: '9999' },
        { type: 'cp', payload: { hex }, pin: '1234' },
        {
          type: 'assert',
          tree: [
            { uri: './MMS/Example_MMS/Addr', equals: 'http://wrong.example/' },
            { uri: './MMS/Example_MMS', locked: true },
            { uri: './MMS/Nope', exists: true },
            { uri: './MMS/Example_MMS', exists: false },
            { uri: './DevInfo', acl: 'Get=nobody' },
          ],
          session: { outcome: 'completed' },
        },
      ]),
      undefined,
    );
    expect(report.passed).toBe(false);
    expect(report.steps.map((s) => s.outcome)).toEqual(['failed', 'passed', 'failed']);
    expect(report.steps[0]!.failures[0]).toMatchObject({
      what: 'provisioning result',
      expected: 'applied',
      security: true,
    });
    expect(report.steps[0]!.failures[0]!.actual).toMatch(/^refused \(mac-mismatch/);
    const f = report.steps[2]!.failures;
    expect(f.map((x) => x.what)).toEqual([
      './MMS/Example_MMS/Addr',
      './MMS/Example_MMS?prop=Locked',
      './MMS/Nope',
      './MMS/Example_MMS',
      './DevInfo?prop=ACL',
      'session',
    ]);
    expect(f[0]).toMatchObject({
      expected: '"http://wrong.example/"',
      actual: '"http://mmsc.example.net/mms"',
    });
    expect(f[1]).toMatchObject({ expected: 'true', actual: 'false' });
    expect(f[2]).toMatchObject({ expected: 'present', actual: 'absent' });
    expect(f[5]).toMatchObject({ actual: 'no session ran' });
    const text = formatFlowReport(report);
    expect(text).toMatch(/FAIL\s+3\. \[assert\]/);
    expect(text).toMatch(/x \.\/MMS\/Example_MMS\?prop=Locked: expected true, got false/);
  });

  it('a step that cannot run stops the flow (error), e.g. a push without a server', async () => {
    const { report } = await runAgainst(
      flow([{ type: 'push' }, { type: 'assert', tree: [{ uri: './DevInfo', exists: true }] }]),
      undefined,
    );
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({ outcome: 'error' });
    expect(report.steps[0]!.detail).toMatch(/needs a reference DM server/);
    expect(formatFlowReport(report)).toMatch(/1 of 1 steps failed, 1 not run/);
  });

  it('unused answers fail the session step', async () => {
    const base = await start();
    const { report } = await runAgainst(
      flow([...BOOTSTRAP.slice(0, 2), { type: 'answer', answers: ['ok', 'yes'] }, BOOTSTRAP[3]!]),
      base,
    );
    expect(report.steps[3]!.failures).toEqual([
      expect.objectContaining({ what: 'queued answers', actual: '1 not used: yes' }),
    ]);
  });

  it('narration names what each step does', () => {
    expect(narrate({ type: 'cp', payload: { file: 'a.hex' }, pin: '1234' })).toBe(
      'A provisioning message arrives (file a.hex); the user types PIN 1234 and accepts it.',
    );
    expect(narrate({ type: 'connect', serverId: 'ota-operator' })).toBe(
      'The handset opens a DM session with ota-operator.',
    );
    expect(narrate({ type: 'assert', tree: [{ uri: './MMS/C', active: true, locked: true }] })).toBe(
      'Checks ./MMS/C is Active, is Locked.',
    );
    expect(narrate({ type: 'connect', serverId: 'x', title: 'Custom.' })).toBe('Custom.');
  });
});
