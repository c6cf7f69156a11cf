import { describe, expect, it } from 'vitest';
import type { TraceRecord, TraceStore } from '../../src/adapters/idb-trace-store.ts';
import { TRACE_VERSION } from '../../src/core/dm/trace.ts';

export function traceRecord(id: string, started: number, extra: Partial<TraceRecord> = {}): TraceRecord {
  return {
    version: TRACE_VERSION,
    id,
    serverName: 'Example Operator',
    SessionID: '1A2B',
    serverId: 'example-dm',
    accountUri: './DMAcc/example',
    serverUrl: 'http://127.0.0.1:4180/dm',
    initiator: 'client',
    encoding: 'xml',
    started,
    ended: started + 500,
    outcome: 'completed',
    reason: 'The server ended the session.',
    messages: [
      {
        index: 0,
        direction: 'out',
        time: started,
        url: 'http://127.0.0.1:4180/dm',
        contentType: 'application/vnd.syncml.dm+xml',
        headers: { 'content-type': 'application/vnd.syncml.dm+xml' },
        size: 3,
        bodyBase64: 'PFM+',
        text: '<S>',
      },
    ],
    commands: [],
    events: [{ time: started, level: 'info', text: 'started' }],
    ...extra,
  };
}

/** The contract of the trace store (fake IndexedDB in Node, real IndexedDB in Chromium). */
export function describeTraceStore(name: string, makeStore: (limit?: number) => Promise<TraceStore>): void {
  describe(`TraceStore: ${name}`, () => {
    it('keeps a trace whole and lists its summary without the messages, newest first', async () => {
      const store = await makeStore();
      await store.put(traceRecord('b', 2000, { outcome: 'failed', reason: 'No answer.' }));
      await store.put(traceRecord('a', 1000));
      await store.put(traceRecord('c', 3000, { initiator: 'server' }));
      const list = await store.list();
      expect(list.map((s) => s.id)).toEqual(['c', 'b', 'a']);
      expect(list[1]).toEqual({
        id: 'b',
        serverId: 'example-dm',
        serverName: 'Example Operator',
        initiator: 'client',
        started: 2000,
        ended: 2500,
        outcome: 'failed',
        reason: 'No answer.',
        messageCount: 1,
        commandCount: 0,
      });
      expect(list[0]).not.toHaveProperty('messages');
      const whole = await store.get('c');
      expect(whole?.initiator).toBe('server');
      expect(whole?.messages[0]?.bodyBase64).toBe('PFM+');
      expect(await store.get('missing')).toBeUndefined();
    });

    it('replaces a trace with the same id and deletes one or all', async () => {
      const store = await makeStore();
      await store.put(traceRecord('a', 1000));
      await store.put(traceRecord('a', 1000, { outcome: 'aborted-by-server' }));
      expect((await store.list()).map((s) => [s.id, s.outcome])).toEqual([['a', 'aborted-by-server']]);
      await store.put(traceRecord('b', 2000));
      await store.delete('a');
      expect(await store.get('a')).toBeUndefined();
      expect((await store.list()).map((s) => s.id)).toEqual(['b']);
      await store.clear();
      expect(await store.list()).toEqual([]);
      expect(await store.get('b')).toBeUndefined();
    });

    it('keeps at most its limit, dropping the oldest traces and their bodies', async () => {
      const store = await makeStore(3);
      for (const [id, started] of [
        ['t2', 2000],
        ['t1', 1000],
        ['t3', 3000],
        ['t4', 4000],
        ['t5', 5000],
      ] as const)
        await store.put(traceRecord(id, started));
      expect((await store.list()).map((s) => s.id)).toEqual(['t5', 't4', 't3']);
      expect(await store.get('t1')).toBeUndefined();
      expect(await store.get('t2')).toBeUndefined();
      expect((await store.get('t3'))?.id).toBe('t3');
    });
  });
}
