import { describe, expect, it } from 'vitest';
import { lockRecordLabel, lockRecordTarget, sessionOriginServer } from '../../../src/state/lock-origin.ts';
import type { LockInfo } from '../../../src/core/tree/types.ts';

const byServer = (at: number, origin?: string): LockInfo => ({
  by: { kind: 'server', serverId: 'ota-operator' },
  at,
  ...(origin !== undefined ? { origin } : {}),
});

describe('lockRecordTarget', () => {
  // Session ids repeat (each session counts from its own start): the server and time decide.
  const traces = [
    { id: 't3', serverId: 'ota-operator', started: 3000, ended: 3500 },
    { id: 't2', serverId: 'other', started: 2000, ended: 2500 },
    { id: 't1', serverId: 'ota-operator', started: 1000, ended: 1500 },
  ];

  it('finds the session of the server that was running when the lock was set', () => {
    expect(lockRecordTarget(byServer(1200, 'session 1 with ota-operator'), traces, [])).toEqual({
      view: 'sessions',
      traceId: 't1',
    });
    expect(lockRecordTarget(byServer(3500, 'session 1 with ota-operator'), traces, [])).toEqual({
      view: 'sessions',
      traceId: 't3',
    });
  });

  it('uses the ServerID of the origin, and does not pick a session of another server', () => {
    expect(lockRecordTarget(byServer(2100, 'session 7 with other'), traces, [])).toEqual({
      view: 'sessions',
      traceId: 't2',
    });
    expect(lockRecordTarget(byServer(2100, 'session 7 with ota-operator'), traces, [])).toBeNull();
  });

  it('gives no link when the trace is gone, the lock has no origin, or it was set outside a session', () => {
    expect(lockRecordTarget(byServer(5000, 'session 9 with ota-operator'), traces, [])).toBeNull();
    expect(lockRecordTarget(byServer(1200), traces, [])).toBeNull();
    expect(lockRecordTarget(byServer(500, 'session 1 with ota-operator'), traces, [])).toBeNull();
  });

  it('takes a session whose end was not recorded when the lock came after its start', () => {
    const open = [{ id: 'live', serverId: 'ota-operator', started: 4000 }, ...traces];
    expect(lockRecordTarget(byServer(9000, 'session 2 with ota-operator'), open, [])).toEqual({
      view: 'sessions',
      traceId: 'live',
    });
  });

  it('links a lock set by CP provisioning to its inbox entry while it is stored', () => {
    const lock: LockInfo = { by: { kind: 'device' }, at: 10, origin: 'message-2' };
    expect(lockRecordTarget(lock, traces, ['message-1', 'message-2'])).toEqual({
      view: 'provisioning',
      recordId: 'message-2',
    });
    expect(lockRecordTarget(lock, traces, ['message-1'])).toBeNull();
  });

  it('names the record in the link', () => {
    expect(lockRecordLabel({ view: 'sessions', traceId: 't1' }, 'session 1 with ota-operator')).toBe(
      'Show session 1 with ota-operator in the inspector',
    );
    expect(lockRecordLabel({ view: 'provisioning', recordId: 'message-2' }, 'message-2')).toBe(
      'Show the provisioning message (message-2) in the inspector',
    );
    expect(sessionOriginServer('session 3A with ota-operator')).toBe('ota-operator');
    expect(sessionOriginServer('message-2')).toBeNull();
  });
});
