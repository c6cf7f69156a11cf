import type { InboxRecord, InboxStore } from '../core/cp/inbox.ts';
import type { HandsetDb } from './db.ts';

/** The provisioning inbox in IndexedDB (store `inbox`, schema v3). Records keep their bytes as Uint8Array. */
export class IdbInboxStore implements InboxStore {
  constructor(private readonly db: HandsetDb) {}

  async put(record: InboxRecord): Promise<void> {
    await this.db.put('inbox', record);
  }

  async get(id: string): Promise<InboxRecord | undefined> {
    return this.db.get('inbox', id);
  }

  /** Newest first. */
  async list(): Promise<InboxRecord[]> {
    const oldestFirst = await this.db.getAllFromIndex('inbox', 'receivedAt');
    return oldestFirst.reverse();
  }

  async delete(id: string): Promise<void> {
    await this.db.delete('inbox', id);
  }
}
