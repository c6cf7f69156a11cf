/**
 * One event of the reference DM server's push channel (`/push/events`, Server-Sent Events), as
 * the handset reads it: the phone's push channel (state/push.svelte.ts) and a browser flow's
 * server (browser-flow-server.ts) both parse with this.
 */
import { parseBase64 } from '../core/bytes/index.ts';
import type { FlowPush } from '../core/flow/port.ts';

/** The fields of a server PushEvent (src/core/dm-server/pushes.ts) the handset uses. */
export type ReceivedPush = FlowPush;

const KINDS: readonly ReceivedPush['kind'][] = ['cp', 'cp-bootstrap', 'dm-bootstrap', 'package0'];

/** Reads one SSE `data:` payload; null when it is not a push event we can use. */
export function parsePushEvent(data: string): ReceivedPush | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  if (!json || typeof json !== 'object') return null;
  const e = json as Record<string, unknown>;
  if (typeof e.id !== 'string' || typeof e.bytes !== 'string') return null;
  if (!(KINDS as readonly unknown[]).includes(e.kind)) return null;
  let bytes: Uint8Array;
  try {
    bytes = parseBase64(e.bytes);
  } catch {
    return null;
  }
  return {
    id: e.id,
    kind: e.kind as ReceivedPush['kind'],
    title: typeof e.title === 'string' ? e.title : 'your operator',
    bytes,
  };
}
