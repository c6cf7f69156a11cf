import { OtaError } from '../errors.ts';
import type { NodeRecord } from './types.ts';

/** One batch of writes; a store applies it all or not at all. */
export interface TreeCommit {
  put: readonly NodeRecord[];
  /** Canonical URIs to delete. */
  remove: readonly string[];
}

/**
 * Where the management tree lives. The tree keeps its own in-memory index and writes through;
 * the store is read once, at open. `commit` MUST be atomic: when it rejects, the stored
 * records are exactly as before (IndexedDB: one readwrite transaction per commit).
 */
export interface TreeStore {
  /** Every stored record, in any order. */
  load(): Promise<NodeRecord[]>;
  commit(change: TreeCommit): Promise<void>;
  /** Replaces the whole content atomically (factory reset, state import). */
  replaceAll(records: readonly NodeRecord[]): Promise<void>;
}

/** A store that could not read or write. The tree's in-memory state is unchanged when a commit fails. */
export class TreeStoreError extends OtaError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('tree-store-failed', message, details);
  }
}
