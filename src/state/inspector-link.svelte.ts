import type { LockRecordTarget } from './lock-origin.ts';

/** A record to show in the inspector; `seq` makes asking twice for the same record count. */
export type InspectorRequest = LockRecordTarget & { seq: number };

/**
 * Requests from the phone to show a record in the inspector (the lock line's link, decision
 * 0165). The inspector is loaded lazily and may not exist yet, so the request waits here until
 * it is mounted and reads it.
 */
export class InspectorLinkState {
  request = $state.raw<InspectorRequest | null>(null);
  /** The last request the inspector showed (plain bookkeeping, not rendered). */
  handled = 0;
  #seq = 0;

  show(target: LockRecordTarget): void {
    this.request = { ...target, seq: ++this.#seq };
  }
}
