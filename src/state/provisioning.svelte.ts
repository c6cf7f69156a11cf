import type { InboxRecord, InboxSource, InboxStore } from '../core/cp/inbox.ts';
import type { PayloadKind } from '../core/cp/detect.ts';
import {
  applyPlan,
  pinAttemptsLeft,
  planProvisioning,
  receivePayload,
  rejectProvisioning,
  submitPin,
} from '../core/cp/provision.ts';
import { explainMac, type MacExplanation } from '../core/cp/security.ts';
import type { ProvisioningTree } from '../core/cp/to-tree.ts';
import type { Clock } from '../core/ports.ts';
import { Listeners } from './listeners.ts';

/** A step taken on a message, told to listeners (the flow recorder) after it is stored. */
export type ProvisioningEvent =
  | { kind: 'received'; record: InboxRecord }
  | { kind: 'pin'; record: InboxRecord; pin: string }
  | { kind: 'accepted' | 'rejected'; record: InboxRecord };

/**
 * Where the shown message's dialog takes its turn among the phone's other dialogs
 * (PromptsState, decision 0180): told whenever the message shown changes, null when none is.
 */
export interface DialogOrder {
  showProvisioning(recordId: string | null): void;
}

/** A record the phone still has to ask the user about. */
function needsUser(record: InboxRecord): boolean {
  return record.status === 'awaiting-pin' || record.status === 'awaiting-consent';
}

/**
 * Received provisioning messages and the steps the user takes on them (PIN, Accept / Reject).
 * Every step is written to the inbox store before the UI moves on, so a reload mid-flow resumes
 * where it was and the tester can re-open any message later, offline.
 */
export class ProvisioningState {
  /** Newest first. */
  inbox = $state<InboxRecord[]>([]);
  #shownId = $state<string | null>(null);
  readonly #store: InboxStore;
  readonly #tree: () => ProvisioningTree | null;
  readonly #imsi: () => string | undefined;
  readonly #clock: Clock;
  readonly #dialogs: DialogOrder | undefined;
  readonly #listeners = new Listeners<(event: ProvisioningEvent) => void>();

  constructor(options: {
    store: InboxStore;
    tree: () => ProvisioningTree | null;
    imsi: () => string | undefined;
    clock: Clock;
    /** Without it (tests of the steps alone) the dialog shows whatever else is open. */
    dialogs?: DialogOrder;
  }) {
    this.#store = options.store;
    this.#tree = options.tree;
    this.#imsi = options.imsi;
    this.#clock = options.clock;
    this.#dialogs = options.dialogs;
  }

  /**
   * The message whose dialog the phone shows, or shows next after the dialogs open before it
   * (the user may postpone it with "Later").
   */
  get shownId(): string | null {
    return this.#shownId;
  }

  #show(id: string | null): void {
    this.#shownId = id;
    this.syncDialog();
  }

  /**
   * Tells the phone's dialog order which message to show. Before the first run (no identity, so
   * no IMSI to check a network PIN against) the phone shows none; AppState calls this again
   * when the identity is set.
   */
  syncDialog(): void {
    this.#dialogs?.showProvisioning(this.#imsi() === undefined ? null : this.#shownId);
  }

  /** Hears each step taken on a message; returns the unsubscribe function. */
  listen(listener: (event: ProvisioningEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  #emit(event: ProvisioningEvent): void {
    this.#listeners.each((l) => l(event));
  }

  async load(): Promise<void> {
    this.inbox = await this.#store.list();
    this.#show(this.inbox.find(needsUser)?.id ?? null);
  }

  shown = $derived(this.inbox.find((r) => r.id === this.shownId) ?? null);
  /** Messages waiting for the user, for the notification area. */
  pending = $derived(this.inbox.filter(needsUser));

  #nextId(): string {
    let max = 0;
    for (const r of this.inbox) {
      const n = /^message-(\d+)$/.exec(r.id);
      if (n) max = Math.max(max, Number(n[1]));
    }
    return `message-${max + 1}`;
  }

  async #save(record: InboxRecord): Promise<InboxRecord> {
    await this.#store.put($state.snapshot(record) as InboxRecord);
    const index = this.inbox.findIndex((r) => r.id === record.id);
    if (index >= 0) this.inbox[index] = record;
    else this.inbox.unshift(record);
    return record;
  }

  /** Plans a record whose security check passed; anything else is returned as it is. */
  #planIfReady(record: InboxRecord): InboxRecord {
    const tree = this.#tree();
    if (record.status !== 'received' || !tree) return record;
    return planProvisioning(record, tree);
  }

  /**
   * A payload arrives (pasted, dropped, pushed). Returns the inbox record, whatever its fate:
   * malformed input and failed checks are recorded, never thrown.
   */
  async receive(
    input: string | Uint8Array,
    options: { source: InboxSource; sourceName?: string; chosenKind?: PayloadKind; replaceId?: string },
  ): Promise<InboxRecord> {
    const imsi = this.#imsi();
    const received = receivePayload(input, {
      id: options.replaceId ?? this.#nextId(),
      receivedAt: this.#clock.now(),
      source: options.source,
      ...(options.sourceName !== undefined ? { sourceName: options.sourceName } : {}),
      ...(options.chosenKind !== undefined ? { chosenKind: options.chosenKind } : {}),
      ...(imsi !== undefined ? { imsi } : {}),
    });
    const record = await this.#save(this.#planIfReady(received));
    if (needsUser(record)) this.#show(record.id);
    this.#emit({ kind: 'received', record });
    return record;
  }

  async enterPin(id: string, pin: string): Promise<InboxRecord | undefined> {
    const record = this.inbox.find((r) => r.id === id);
    if (!record) return undefined;
    const imsi = this.#imsi();
    const checked = submitPin(
      $state.snapshot(record) as InboxRecord,
      pin,
      imsi !== undefined ? { imsi } : {},
    );
    const saved = await this.#save(this.#planIfReady(checked));
    this.#emit({ kind: 'pin', record: saved, pin });
    return saved;
  }

  async accept(id: string): Promise<InboxRecord | undefined> {
    const record = this.inbox.find((r) => r.id === id);
    const tree = this.#tree();
    if (!record || !tree) return undefined;
    // The phone shows an explicit warning for unsigned messages before this Accept.
    const applied = await applyPlan($state.snapshot(record) as InboxRecord, tree, {
      at: this.#clock.now(),
      acceptUnsigned: record.verdict === 'unsigned',
    });
    const saved = await this.#save(applied);
    this.#emit({ kind: 'accepted', record: saved });
    return saved;
  }

  async reject(id: string, reason?: string): Promise<InboxRecord | undefined> {
    const record = this.inbox.find((r) => r.id === id);
    if (!record) return undefined;
    const saved = await this.#save(
      rejectProvisioning($state.snapshot(record) as InboxRecord, {
        at: this.#clock.now(),
        ...(reason !== undefined ? { reason } : {}),
      }),
    );
    this.#emit({ kind: 'rejected', record: saved });
    return saved;
  }

  /** "Later": the message stays pending in the inbox and the notification area. */
  postpone(): void {
    this.#show(null);
  }

  open(id: string): void {
    this.#show(id);
  }

  async remove(id: string): Promise<void> {
    await this.#store.delete(id);
    this.inbox = this.inbox.filter((r) => r.id !== id);
    if (this.#shownId === id) this.#show(null);
  }

  attemptsLeft(record: InboxRecord): number {
    return pinAttemptsLeft(record);
  }

  /** The tester's MAC explainer: which derivation the message was signed with. */
  explain(record: InboxRecord, pin?: string): MacExplanation | null {
    if (!record.body) return null;
    const imsi = this.#imsi();
    return explainMac({
      body: record.body,
      ...(record.sec !== undefined ? { sec: record.sec } : {}),
      ...(record.mac !== undefined ? { mac: record.mac } : {}),
      ...(imsi !== undefined ? { imsi } : {}),
      ...(pin ? { pin } : {}),
    });
  }
}
