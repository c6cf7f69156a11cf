import { unwrap } from 'idb';
import type { HandsetDb } from './db.ts';
import { TreeStoreError, type TreeCommit, type TreeStore } from '../core/tree/store.ts';
import type { NodeRecord } from '../core/tree/types.ts';

/**
 * The management tree in IndexedDB (store `nodes`, schema v2 of src/adapters/db.ts). Each commit
 * is ONE readwrite transaction: every request is queued synchronously and nothing but IndexedDB
 * is awaited inside it, so a failure aborts the transaction and leaves the stored tree unchanged.
 */
export class IdbTreeStore implements TreeStore {
  #preloaded: NodeRecord[] | null;

  /**
   * `preloaded`: the nodes already read with the identity at start-up (db.ts
   * loadIdentityAndNodes); the first load() returns them instead of reading again.
   */
  constructor(
    private readonly db: HandsetDb,
    preloaded?: NodeRecord[],
  ) {
    this.#preloaded = preloaded ?? null;
  }

  async load(): Promise<NodeRecord[]> {
    const preloaded = this.#preloaded;
    if (preloaded) {
      this.#preloaded = null;
      return preloaded;
    }
    try {
      return await this.db.getAll('nodes');
    } catch (error) {
      throw new TreeStoreError(`cannot read the tree: ${(error as Error).message}`);
    }
  }

  async commit(change: TreeCommit): Promise<void> {
    await this.write((store) => {
      for (const uri of change.remove) store.delete(uri);
      for (const r of change.put) store.put(r);
    });
  }

  async replaceAll(records: readonly NodeRecord[]): Promise<void> {
    await this.write((store) => {
      store.clear();
      for (const r of records) store.put(r);
    });
  }

  private async write(fill: (store: IDBObjectStore) => void): Promise<void> {
    const tx = this.db.transaction('nodes', 'readwrite');
    try {
      // Bare requests, not idb's per-request promises: a 1,000-record batch would otherwise make
      // 1,000 promises and 2,000 listeners (decision 0121). An unhandled request error aborts
      // the transaction, which surfaces through tx.done.
      fill(unwrap(tx.store));
    } catch (error) {
      // A request that cannot even be queued (e.g. a value that cannot be cloned): undo the rest.
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new TreeStoreError(`the tree could not be written: ${(error as Error).message}`);
    }
    try {
      await tx.done;
    } catch (error) {
      throw new TreeStoreError(`the tree could not be written: ${(error as Error).message}`);
    }
  }
}
