import type { SessionOutcome, SessionTrace } from '../core/dm/trace.ts';
import type { HandsetDb } from './db.ts';

/** One stored session, as the Sessions list shows it (no message bodies). */
export interface TraceSummary {
  id: string;
  serverId: string;
  serverName: string;
  initiator: 'client' | 'server';
  started: number;
  ended?: number;
  outcome?: SessionOutcome;
  reason?: string;
  messageCount: number;
  commandCount: number;
}

/** A stored trace: the core's SessionTrace plus its id and the account's display name. */
export interface TraceRecord extends SessionTrace {
  id: string;
  serverName: string;
}

/** Where finished session traces are kept. */
export interface TraceStore {
  /** Stores (or replaces) a trace, then drops the oldest beyond the limit. */
  put(record: TraceRecord): Promise<void>;
  /** Newest first, without the messages. */
  list(): Promise<TraceSummary[]>;
  get(id: string): Promise<TraceRecord | undefined>;
  delete(id: string): Promise<void>;
  clear(): Promise<void>;
}

/** How many traces are kept; the oldest go first (decision 0090). */
export const MAX_TRACES = 200;

export function summarize(record: TraceRecord): TraceSummary {
  return {
    id: record.id,
    serverId: record.serverId,
    serverName: record.serverName,
    initiator: record.initiator,
    started: record.started,
    ...(record.ended !== undefined ? { ended: record.ended } : {}),
    ...(record.outcome !== undefined ? { outcome: record.outcome } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    messageCount: record.messages.length,
    commandCount: record.commands.length,
  };
}

/**
 * Session traces in IndexedDB (schema v4): the whole trace in `traces`, its summary in
 * `traceSummaries`, both written in one transaction, so the list never reads message bodies.
 */
export class IdbTraceStore implements TraceStore {
  constructor(
    private readonly db: HandsetDb,
    private readonly limit: number = MAX_TRACES,
  ) {}

  async put(record: TraceRecord): Promise<void> {
    const tx = this.db.transaction(['traces', 'traceSummaries'], 'readwrite');
    const traces = tx.objectStore('traces');
    const summaries = tx.objectStore('traceSummaries');
    await traces.put(record);
    await summaries.put(summarize(record));
    // Oldest first by `started`; drop the overflow in the same transaction.
    const count = await summaries.count();
    let excess = count - this.limit;
    if (excess > 0) {
      let cursor = await summaries.index('started').openKeyCursor();
      while (cursor && excess > 0) {
        const id = cursor.primaryKey;
        if (id !== record.id) {
          await traces.delete(id);
          await summaries.delete(id);
          excess--;
        }
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  }

  async list(): Promise<TraceSummary[]> {
    const oldestFirst = await this.db.getAllFromIndex('traceSummaries', 'started');
    return oldestFirst.reverse();
  }

  async get(id: string): Promise<TraceRecord | undefined> {
    return this.db.get('traces', id);
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['traces', 'traceSummaries'], 'readwrite');
    await Promise.all([
      tx.objectStore('traces').delete(id),
      tx.objectStore('traceSummaries').delete(id),
      tx.done,
    ]);
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(['traces', 'traceSummaries'], 'readwrite');
    await Promise.all([tx.objectStore('traces').clear(), tx.objectStore('traceSummaries').clear(), tx.done]);
  }
}
