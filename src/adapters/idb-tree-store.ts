import type { IDBPObjectStore } from 'idb';
import type { HandsetDb, HandsetDbSchema } from './db.ts';
import { TreeStoreError, type TreeCommit, type TreeStore } from '../core/tree/store.ts';
import type { NodeRecord } from '../core/tree/types.ts';

type NodesStore = IDBPObjectStore<HandsetDbSchema, ['nodes'], 'nodes', 'readwrite'>;

/**
 * The management tree in IndexedDB (store `nodes`, schema v2 of src/adapters/db.ts). Each commit
 * is ONE readwrite transaction: every request is queued synchronously and nothing but IndexedDB
 * is awaited inside it, so a failure aborts the transaction and leaves the stored tree unchanged.
 */
export class IdbTreeStore implements TreeStore {
  constructor(private readonly db: HandsetDb) {}

  async load(): Promise<NodeRecord[]> {
    try {
      return await this.db.getAll('nodes');
    } catch (error) {
      throw new TreeStoreError(`cannot read the tree: ${(error as Error).message}`);
    }
  }

  async commit(change: TreeCommit): Promise<void> {
    await this.write((store, queue) => {
      for (const uri of change.remove) queue(store.delete(uri));
      for (const r of change.put) queue(store.put(r));
    });
  }

  async replaceAll(records: readonly NodeRecord[]): Promise<void> {
    await this.write((store, queue) => {
      queue(store.clear());
      for (const r of records) queue(store.put(r));
    });
  }

  private async write(
    fill: (store: NodesStore, queue: (request: Promise<unknown>) => void) => void,
  ): Promise<void> {
    const tx = this.db.transaction('nodes', 'readwrite');
    // Request errors abort the transaction and surface through tx.done; the per-request
    // promises are only observed so that their rejections are not reported as unhandled.
    const queue = (request: Promise<unknown>) => void request.catch(() => undefined);
    try {
      fill(tx.store, queue);
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
