import type { ActivityHolder } from './prompts.svelte.ts';

export type NotificationKind = 'provisioning' | 'dm' | 'message' | 'info';

/** What tapping a notification does (open the provisioning inbox, answer a question …). */
export interface NotificationAction {
  label: string;
  run: () => void;
}

export interface PhoneNotification {
  id: number;
  kind: NotificationKind;
  title: string;
  body: string;
  action?: NotificationAction;
  /** ms since the epoch. */
  at: number;
  read: boolean;
}

export interface NewNotification {
  kind: NotificationKind;
  title: string;
  body: string;
  action?: NotificationAction;
}

/**
 * The notification shade: incoming pushes and anything other flows want the user to see later.
 * CP pushes and DM notifications post here with `add`; pending dialogs are listed by the shade
 * from `PromptsState`. While unread notifications exist and the handset is otherwise idle, the
 * status bar says "Notification pending".
 */
export class NotificationsState {
  items = $state.raw<PhoneNotification[]>([]);
  shadeOpen = $state(false);
  unread = $derived(this.items.filter((n) => !n.read).length);
  #nextId = 1;
  readonly #device: ActivityHolder;

  constructor(device: ActivityHolder) {
    this.#device = device;
  }

  /** Posts a notification; returns its id (for `dismiss`). Newest first. */
  add(notification: NewNotification): number {
    const id = this.#nextId++;
    this.items = [{ ...notification, id, at: Date.now(), read: false }, ...this.items];
    if (this.#device.activity === 'idle') this.#device.activity = 'notification-pending';
    return id;
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
    this.#settle();
  }

  clear(): void {
    this.items = [];
    this.#settle();
  }

  /** Runs the notification's action (if any), marks it read and closes the shade. */
  open(id: number): void {
    const item = this.items.find((n) => n.id === id);
    if (!item) return;
    this.items = this.items.map((n) => (n.id === id ? { ...n, read: true } : n));
    this.shadeOpen = false;
    this.#settle();
    item.action?.run();
  }

  toggleShade(open = !this.shadeOpen): void {
    this.shadeOpen = open;
    if (!open) return;
    // Seeing the list counts as reading it.
    this.items = this.items.map((n) => (n.read ? n : { ...n, read: true }));
    this.#settle();
  }

  #settle(): void {
    if (this.unread === 0 && this.#device.activity === 'notification-pending') this.#device.activity = 'idle';
  }
}
