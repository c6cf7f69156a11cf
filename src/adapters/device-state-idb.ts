/**
 * A handset database read or written as one whole device (the state document v2): identity,
 * tree, inbox, traces and settings. Each direction is ONE IndexedDB transaction over every
 * store, so an import, a snapshot restore or a factory reset either lands completely or not at
 * all, and an export never mixes two moments (docs/decisions/0136-whole-device-transactions.md).
 * Callers validate the document first (parseDeviceState) and close the handset's live state
 * (the in-memory tree) around a write, then reopen it.
 */
import type { CompleteDeviceState, StoredTraceRecord } from '../core/device/state-document.ts';
import type { DeviceIdentity } from '../core/device/identity.ts';
import type { HandsetDb } from './db.ts';
import { summarize, type TraceRecord } from './idb-trace-store.ts';

const STORES = ['device', 'nodes', 'inbox', 'traces', 'traceSummaries'] as const;
const IDENTITY_KEY = 'identity';

/** The whole device, or null when the handset has not been set up (no identity yet). */
export async function readDeviceStateFromDb(db: HandsetDb): Promise<CompleteDeviceState | null> {
  const tx = db.transaction(['device', 'nodes', 'inbox', 'traces'], 'readonly');
  const device = tx.objectStore('device');
  const [keys, values, nodes, inboxOldestFirst, tracesOldestFirst] = await Promise.all([
    device.getAllKeys(),
    device.getAll(),
    tx.objectStore('nodes').getAll(),
    tx.objectStore('inbox').index('receivedAt').getAll(),
    tx.objectStore('traces').index('started').getAll(),
  ]);
  await tx.done;
  let identity: DeviceIdentity | undefined;
  const settings: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    if (key === IDENTITY_KEY) identity = values[i] as DeviceIdentity;
    else settings[String(key)] = values[i];
  });
  if (!identity) return null;
  return {
    identity,
    nodes,
    inbox: inboxOldestFirst.reverse(),
    traces: tracesOldestFirst.reverse() as unknown as StoredTraceRecord[],
    settings,
  };
}

/**
 * Replaces everything in the database with `state`, in one transaction: if any write fails the
 * transaction aborts and the database keeps what it had.
 */
export async function writeDeviceStateToDb(db: HandsetDb, state: CompleteDeviceState): Promise<void> {
  const tx = db.transaction([...STORES], 'readwrite');
  const writes: Promise<unknown>[] = [];
  try {
    for (const name of STORES) writes.push(tx.objectStore(name).clear());
    const device = tx.objectStore('device');
    writes.push(device.put(state.identity, IDENTITY_KEY));
    for (const [key, value] of Object.entries(state.settings)) writes.push(device.put(value, key));
    for (const node of state.nodes) writes.push(tx.objectStore('nodes').put(node));
    for (const record of state.inbox) writes.push(tx.objectStore('inbox').put(record));
    for (const record of state.traces) {
      const trace = record as unknown as TraceRecord;
      writes.push(
        tx.objectStore('traces').put(trace),
        tx.objectStore('traceSummaries').put(summarize(trace)),
      );
    }
    await Promise.all([...writes, tx.done]);
  } catch (error) {
    // A value that cannot be stored throws synchronously (DataCloneError) without aborting the
    // transaction, and the requests already queued would commit: abort explicitly.
    try {
      tx.abort();
    } catch {
      // already aborted or finished
    }
    await Promise.allSettled([...writes, tx.done]);
    throw error;
  }
}
