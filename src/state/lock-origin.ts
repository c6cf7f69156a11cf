/**
 * Where a lock came from, as a record the tester can open (decision 0165): the stored trace of
 * the DM session that set it, or the provisioning message (inbox entry) that carried it. Pure.
 *
 * The tree keeps `LockInfo.origin` as written by whoever locked: a DM session writes
 * `session <SessionID> with <ServerID>` (DmSession.origin), CP provisioning writes the inbox id.
 * SessionIDs repeat across sessions, so a trace is found by its server and by the lock time
 * falling inside the session (one session at a time, decision 0092); no new field is needed, and
 * locks stored before this link existed resolve the same way.
 */
import type { LockInfo } from '../core/tree/types.ts';

export type LockRecordTarget =
  { view: 'sessions'; traceId: string } | { view: 'provisioning'; recordId: string };

/** What of a stored trace the lookup needs (TraceSummary has it). */
export interface TraceTimes {
  id: string;
  serverId: string;
  started: number;
  ended?: number;
}

const SESSION_ORIGIN = /^session (\S+) with (.+)$/;

/** The ServerID named in a DM session's origin, or null for any other origin. */
export function sessionOriginServer(origin: string): string | null {
  return SESSION_ORIGIN.exec(origin)?.[2] ?? null;
}

export function lockRecordTarget(
  lock: LockInfo,
  traces: readonly TraceTimes[],
  inboxIds: readonly string[],
): LockRecordTarget | null {
  const origin = lock.origin;
  if (!origin) return null;
  if (lock.by.kind === 'server') {
    const serverId = sessionOriginServer(origin) ?? lock.by.serverId;
    const ofServer = traces.filter((t) => t.serverId === serverId && t.started <= lock.at);
    // The session that was running at the lock time; else the last one started before it
    // (a trace whose end was not recorded).
    const during = ofServer.find((t) => t.ended === undefined || lock.at <= t.ended);
    const latest = [...ofServer].sort((a, b) => b.started - a.started)[0];
    const trace = during ?? (latest && latest.ended === undefined ? latest : undefined);
    return trace ? { view: 'sessions', traceId: trace.id } : null;
  }
  if (lock.by.kind === 'device' && inboxIds.includes(origin))
    return { view: 'provisioning', recordId: origin };
  return null;
}

/** The words of the link, naming the record as the lock line does. */
export function lockRecordLabel(target: LockRecordTarget, origin: string): string {
  return target.view === 'sessions'
    ? `Show ${origin} in the inspector`
    : `Show the provisioning message (${origin}) in the inspector`;
}
