import { parsePushEvent, type ReceivedPush } from '../adapters/push-event.ts';

/** Where the push channel stands, for the inspector. */
export type PushStatus = 'off' | 'connecting' | 'connected' | 'reconnecting' | 'unavailable';

export const pushStatusLabels: Record<PushStatus, string> = {
  off: 'Off',
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  unavailable: 'Not available',
};

export interface PushDeps {
  /** Routes one event (the CP pipeline or the DM sessions). */
  deliver: (push: ReceivedPush) => Promise<void>;
  /** For tests; default the browser's EventSource. */
  EventSource?: typeof EventSource;
}

const MAX_RETRY_MS = 60_000;

/**
 * The push channel (standing in for SMS): an EventSource on the reference DM server's
 * `/push/events?device=<DevId>`. The browser reconnects on its own while the stream drops;
 * when it gives up (server down, refused) this retries with a growing pause up to a minute.
 * Each event is delivered once, in arrival order.
 */
export class PushState {
  status = $state<PushStatus>('off');
  /** Why it is unavailable or reconnecting, or where it is connected, in words. */
  detail = $state('');
  /** Events delivered since the page opened. */
  received = $state(0);
  /** Events whose delivery failed (e.g. storage refused the inbox record), and the last reason. */
  failed = $state(0);
  lastFailure = $state<string | null>(null);
  readonly #deps: PushDeps;
  #source: EventSource | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #retryMs = 3000;
  #url = '';
  // Ids already delivered (a reconnect may replay the recent ones); never rendered.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #seen = new Set<string>();
  #queue: Promise<void> = Promise.resolve();

  constructor(deps: PushDeps) {
    this.#deps = deps;
  }

  /** Says why there is no push channel (no /ota-config.json, no identity yet). */
  unavailable(reason: string): void {
    this.disconnect();
    this.status = 'unavailable';
    this.detail = reason;
  }

  /** Opens the channel for the device; a second call with the same URL keeps the open one. */
  connect(dmServer: string, devId: string, imsi?: string): void {
    const url = `${dmServer}/push/events?device=${encodeURIComponent(devId)}${imsi ? `&imsi=${encodeURIComponent(imsi)}` : ''}`;
    if (url === this.#url && this.#source) return;
    this.disconnect();
    this.#url = url;
    this.#retryMs = 3000;
    this.#open();
  }

  disconnect(): void {
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    this.#source?.close();
    this.#source = null;
    this.#url = '';
    this.status = 'off';
    this.detail = '';
  }

  #open(): void {
    const Impl = this.#deps.EventSource ?? EventSource;
    const source = new Impl(this.#url);
    this.#source = source;
    this.status = 'connecting';
    this.detail = this.#url;
    source.onopen = () => {
      this.status = 'connected';
      this.detail = this.#url;
      this.#retryMs = 3000;
    };
    source.onerror = () => {
      if (this.#source !== source) return;
      if (source.readyState === Impl.CLOSED) {
        // The browser gave up (refused, HTTP error): try again later, politely.
        source.close();
        this.#source = null;
        this.status = 'reconnecting';
        this.detail = `The DM server's push channel cannot be reached; trying again in ${Math.round(this.#retryMs / 1000)} s.`;
        const url = this.#url;
        this.#retry = setTimeout(() => {
          this.#retry = null;
          if (this.#url === url) this.#open();
        }, this.#retryMs);
        this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
      } else {
        this.status = 'reconnecting';
        this.detail = 'The push channel dropped; the browser reconnects.';
      }
    };
    source.addEventListener('push', (event) => {
      const push = parsePushEvent((event as MessageEvent<string>).data);
      if (!push || this.#seen.has(push.id)) return;
      this.#seen.add(push.id);
      this.received++;
      // One at a time: a package 0 right after a bootstrap must see the new account.
      // A failed delivery must not block the next one, but it is counted and shown, never dropped silently.
      this.#queue = this.#queue
        .then(() => this.#deps.deliver(push))
        .catch((error: unknown) => {
          this.failed++;
          this.lastFailure = `Last: “${push.title}”: ${error instanceof Error ? error.message : String(error)}`;
        });
    });
  }
}
