import type { InboxRecord } from '../../../src/core/cp/inbox.ts';
import { DEFAULT_IDENTITY, type DeviceIdentity } from '../../../src/core/device/identity.ts';
import type { CompleteDeviceState, StoredTraceRecord } from '../../../src/core/device/state-document.ts';
import { createFactoryTree } from '../../../src/core/tree/factory.ts';

export const T0 = Date.UTC(2024, 10, 21, 10, 42);

export const OTHER_IDENTITY: DeviceIdentity = {
  ...DEFAULT_IDENTITY,
  name: 'PoC handset',
  imei: '356938035643809',
  imsi: '310150123456789',
  model: 'PoC-2',
};

/** An inbox record with bytes at the top level and deep inside (layers). */
export function inboxRecord(id: string, receivedAt: number): InboxRecord {
  return {
    id,
    receivedAt,
    source: 'file',
    sourceName: `${id}.bin`,
    raw: new Uint8Array([0x01, 0x06, 0x2f, 0x1f, 0x2d, 0xb6, 0x91, 0x81]),
    rawIsText: false,
    kind: 'cp',
    contentType: 'application/vnd.wap.connectivity-wbxml',
    sec: 1,
    mac: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
    body: new Uint8Array([0x03, 0x0b, 0x6a, 0x00, 0x45, 0xc6, 0x01]),
    bodyFormat: 'wbxml',
    pinAttempts: 1,
    status: 'awaiting-pin',
    warnings: ['a duplicate SEC parameter was ignored'],
    detected: {
      kind: 'wsp-push',
      encoding: 'binary',
      ambiguous: false,
      readings: [],
      layers: [{ name: 'WSP push', bytes: new Uint8Array([9, 8, 7]) }] as never,
    },
  } as InboxRecord;
}

export function traceRecord(id: string, started: number): StoredTraceRecord {
  return {
    id,
    version: 1,
    SessionID: '1',
    serverId: 'operator.example',
    serverName: 'Example Operator',
    accountUri: './DMAcc/op',
    serverUrl: 'http://127.0.0.1:4180/dm',
    initiator: 'client',
    encoding: 'xml',
    started,
    ended: started + 900,
    outcome: 'completed',
    messages: [{ index: 0, direction: 'out', bodyBase64: 'PFN5bmNNTD4=', size: 8 }],
    commands: [{ cmdId: '2', kind: 'Replace', status: 200 }],
    events: [],
  };
}

/** Nodes in IndexedDB key order (code units of the URI), the order a read from the database gives. */
export function byUri<T extends { uri: string }>(nodes: T[]): T[] {
  return [...nodes].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
}

/** A provisioned-looking device: a changed tree node, two inbox records, a trace, preferences. */
export function sampleState(identity: DeviceIdentity = DEFAULT_IDENTITY): CompleteDeviceState {
  const nodes = byUri(createFactoryTree(identity, T0)).map((node) =>
    node.uri === './DevDetail/FwV' ? { ...node, value: '2.0-custom' } : node,
  );
  return {
    identity,
    nodes,
    inbox: [inboxRecord('m2', T0 + 2000), inboxRecord('m1', T0 + 1000)],
    traces: [traceRecord('t1', T0 + 5000)],
    settings: { preferences: { theme: 'dark', largeText: true, confirmOperatorChanges: true } },
  };
}
