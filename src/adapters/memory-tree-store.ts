import type { TreeCommit, TreeStore } from '../core/tree/store.ts';
import type { NodeRecord } from '../core/tree/types.ts';

/**
 * A TreeStore in memory (Node CLI, tests). Records are cloned on the way in and out, so callers
 * can never alias the stored data; a commit is applied only after it has been fully prepared.
 */
export class MemoryTreeStore implements TreeStore {
  private readonly records = new Map<string, NodeRecord>();

  constructor(initial: readonly NodeRecord[] = []) {
    for (const r of initial) this.records.set(r.uri, structuredClone(r));
  }

  async load(): Promise<NodeRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  async commit(change: TreeCommit): Promise<void> {
    const puts = change.put.map((r) => structuredClone(r));
    for (const uri of change.remove) this.records.delete(uri);
    for (const r of puts) this.records.set(r.uri, r);
  }

  async replaceAll(records: readonly NodeRecord[]): Promise<void> {
    const copies = records.map((r) => structuredClone(r));
    this.records.clear();
    for (const r of copies) this.records.set(r.uri, r);
  }

  /** Number of stored records (tests). */
  get size(): number {
    return this.records.size;
  }
}
