/**
 * A stored trace as the SessionTrace document the CLI writes with `--trace` (decision 0142):
 * the store's own fields (id, display name) are left out so both files read the same way.
 */
import type { SessionTrace } from '../../../core/dm/trace.ts';

export function exportable(trace: SessionTrace & { id?: string; serverName?: string }): SessionTrace {
  const { id: _id, serverName: _name, ...doc } = trace;
  return doc;
}
