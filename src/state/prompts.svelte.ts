import type { UserAnswer, UserInteraction } from '../core/dm/alerts.ts';
import type { Prompter } from '../core/ports.ts';
import { activitySet, dialogOpened, dialogsClosed, type ActivityLayers } from './activity.ts';
import { OPERATOR_CHANGE_TITLE } from './operator-change-prompt.ts';
import type { DeviceActivity } from './device.svelte.ts';
import { Listeners } from './listeners.ts';

/**
 * The dialog of a received CP message (PIN, consent, result). ProvisioningState drives its steps
 * and closes it; here it only takes its turn among the phone's dialogs (decision 0180).
 */
export interface ProvisioningDialog {
  /** The inbox record shown. */
  recordId: string;
}

/** A question the handset itself asks (delete settings, operator changes). */
export interface LocalConfirm {
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel?: string;
  /** The confirm action destroys something. */
  danger?: boolean;
}

interface Base {
  id: number;
  /** When the dialog became visible (the timers start then), ms; null while queued. */
  shownAt: number | null;
}

/** One dialog, open or waiting behind the open one. */
export type PendingPrompt =
  | (Base & { source: 'dm'; request: UserInteraction })
  | (Base & { source: 'local'; request: LocalConfirm })
  | (Base & { source: 'provisioning'; request: ProvisioningDialog });

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// A provisioning dialog is never answered here: its owner moves it on and closes it.
type Answer<P extends PendingPrompt> = P extends { source: 'dm' }
  ? UserAnswer
  : P extends { source: 'local' }
    ? boolean
    : never;

/** Told when a dialog becomes visible and when it is answered (the flow runner and recorder). */
export interface PromptListener {
  shown?(prompt: PendingPrompt): void;
  answered?(prompt: PendingPrompt, value: unknown): void;
}

/** Where the prompts report that the handset waits for the user (the status bar). */
export interface ActivityHolder {
  activity: DeviceActivity;
}

/**
 * The phone's system dialogs, one at a time, in arrival order. Implements the core's `Prompter`
 * port for DM user-interaction alerts (1100-1104) and also asks local confirmations; the dialog
 * of a received CP message takes its turn here too (`showProvisioning`). Dialogs live here, not
 * in a screen, so switching screens or opening the inspector never loses one; `DialogHost`
 * renders `current` above every screen. The MAXDT timer runs here from the moment a dialog is
 * shown and answers `timeout`.
 */
export class PromptsState implements Prompter {
  queue = $state.raw<PendingPrompt[]>([]);
  current = $derived<PendingPrompt | null>(this.queue[0] ?? null);
  #nextId = 1;
  // Plain bookkeeping, never rendered: not reactive on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #resolvers = new Map<number, (value: never) => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The activity to show once the dialogs close (null while none is open). */
  #activityBefore: DeviceActivity | null = null;
  readonly #device: ActivityHolder;
  readonly #listeners = new Listeners<PromptListener>();

  constructor(device: ActivityHolder) {
    this.#device = device;
  }

  /** Hears dialogs shown and answered; returns the unsubscribe function. */
  listen(listener: PromptListener): () => void {
    return this.#listeners.add(listener);
  }

  /** `Prompter.ask`: resolves with the user's answer, `cancel`, or `timeout` after MAXDT. */
  ask(request: UserInteraction): Promise<UserAnswer> {
    return this.#enqueue({ source: 'dm', request }) as Promise<UserAnswer>;
  }

  /** A yes/no question from the handset itself; true when the user confirms. */
  confirm(request: LocalConfirm): Promise<boolean> {
    return this.#enqueue({ source: 'local', request }) as Promise<boolean>;
  }

  /**
   * The "Ask me before the operator changes my active or locked settings" question. The session
   * runner calls it (only when `preferences.confirmOperatorChanges` is on) before applying a server
   * command that makes an instance Active or Default, locks or unlocks it, or changes or deletes one
   * that is Active or Locked; false = answer that command 215.
   */
  askOperatorChange(change: {
    serverName: string;
    instanceName: string;
    what: 'active' | 'default' | 'locked' | 'unlocked' | 'modify' | 'delete';
  }): Promise<boolean> {
    const verbs = {
      active: 'start using',
      default: 'make the default',
      locked: 'lock (you could no longer change or delete)',
      unlocked: 'unlock',
      modify: 'change',
      delete: 'delete',
    } as const;
    return this.confirm({
      title: OPERATOR_CHANGE_TITLE,
      body: `${change.serverName} wants to ${verbs[change.what]} the settings “${change.instanceName}”.`,
      confirmLabel: 'Allow',
      cancelLabel: 'Refuse',
    });
  }

  /**
   * Sets the status bar's activity (sessions use this): at once, or, while a dialog is open,
   * for when the dialogs close, so an activity that changed meanwhile is not lost.
   */
  showActivity(next: DeviceActivity): void {
    this.#apply(activitySet(this.#layers(), next));
  }

  #layers(): ActivityLayers {
    return { shown: this.#device.activity, underneath: this.#activityBefore };
  }

  #apply(layers: ActivityLayers): void {
    this.#activityBefore = layers.underneath;
    this.#device.activity = layers.shown;
  }

  /**
   * The dialog of CP message `recordId` wants the screen (null: it closed). It waits behind the
   * dialogs already open, and those that come later wait behind it; the one message dialog a
   * phone has is updated in place when another message replaces it.
   */
  showProvisioning(recordId: string | null): void {
    const entry = this.queue.find((p) => p.source === 'provisioning');
    if (recordId === null) {
      if (entry) this.#remove(entry.id);
    } else if (!entry) this.#add({ source: 'provisioning', request: { recordId } });
    else if (entry.request.recordId !== recordId)
      this.queue = this.queue.map((p) => (p.id === entry.id ? { ...entry, request: { recordId } } : p));
  }

  /** Answers the dialog `id` (the open one normally); ignored when it is already answered. */
  answer<P extends PendingPrompt>(prompt: P, value: Answer<P>): void {
    const resolve = this.#resolvers.get(prompt.id);
    if (!resolve) return;
    this.#resolvers.delete(prompt.id);
    this.#remove(prompt.id);
    this.#listeners.each((l) => l.answered?.(prompt, value));
    (resolve as (v: Answer<P>) => void)(value);
  }

  #remove(id: number): void {
    const wasCurrent = this.queue[0]?.id === id;
    this.queue = this.queue.filter((p) => p.id !== id);
    if (wasCurrent) this.#showHead();
  }

  /** Seconds left before the open dialog times out, or null when it has no MAXDT. */
  deadline(prompt: PendingPrompt): number | null {
    if (prompt.source !== 'dm' || prompt.shownAt === null) return null;
    const max = prompt.request.maxDisplaySeconds;
    return max !== undefined && max > 0 ? prompt.shownAt + max * 1000 : null;
  }

  /** When a display alert may be closed (MINDT), ms. */
  earliestClose(prompt: PendingPrompt): number | null {
    if (prompt.source !== 'dm' || prompt.shownAt === null) return null;
    const min = prompt.request.minDisplaySeconds;
    return min !== undefined && min > 0 ? prompt.shownAt + min * 1000 : null;
  }

  #enqueue(entry: DistributiveOmit<PendingPrompt, 'id' | 'shownAt'>): Promise<unknown> {
    return new Promise<unknown>((resolve) => this.#add(entry, resolve as (value: never) => void));
  }

  /** Queues a dialog, showing it at once when none is open (its listeners may answer it then). */
  #add(entry: DistributiveOmit<PendingPrompt, 'id' | 'shownAt'>, resolve?: (value: never) => void): void {
    const prompt = { ...entry, id: this.#nextId++, shownAt: null } as PendingPrompt;
    if (resolve) this.#resolvers.set(prompt.id, resolve);
    const wasEmpty = this.queue.length === 0;
    this.queue = [...this.queue, prompt];
    if (wasEmpty) {
      this.#apply(dialogOpened({ shown: this.#device.activity, underneath: null }));
      this.#showHead();
    }
  }

  #showHead(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const head = this.queue[0];
    if (!head) {
      if (this.#device.activity === 'waiting-for-you')
        this.#apply(dialogsClosed({ shown: 'waiting-for-you', underneath: this.#activityBefore ?? 'idle' }));
      else this.#activityBefore = null;
      return;
    }
    const shown = { ...head, shownAt: Date.now() } as PendingPrompt;
    this.queue = [shown, ...this.queue.slice(1)];
    this.#listeners.each((l) => l.shown?.(shown));
    const deadline = this.deadline(shown);
    if (deadline !== null && shown.source === 'dm') {
      this.#timer = setTimeout(() => this.answer(shown, { kind: 'timeout' }), deadline - Date.now());
    }
  }
}
