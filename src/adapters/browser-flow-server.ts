/**
 * The reference DM server as a flow in the browser sees it (core FlowServer port): its API to
 * start scenarios (POST /api/scenarios/start) and its push channel (/push/events, SSE), read
 * into a queue so a flow's push step takes the next push. Opened before the flow's first step,
 * so no push waits in the server's small queue.
 */
import type { FlowServer } from '../core/flow/core-device.ts';
import type { FlowPush } from '../core/flow/port.ts';
import type { UiMode } from '../core/dm/package0.ts';
import { parsePushEvent } from './push-event.ts';

export class BrowserFlowServer implements FlowServer {
  readonly #base: URL;
  #source: EventSource | null = null;
  #devId = '';
  readonly #queue: FlowPush[] = [];
  readonly #seen = new Set<string>();
  #waiters: (() => void)[] = [];

  /** `base`: the server's URL as /ota-config.json gives it (may carry ?token=). */
  constructor(base: string) {
    this.#base = new URL(base);
  }

  #url(path: string): string {
    const u = new URL(path, this.#base);
    const token = this.#base.searchParams.get('token');
    if (token !== null) u.searchParams.set('token', token);
    return u.toString();
  }

  /** Opens the push channel for the device; resolves once it is open (or after 3 s). */
  open(devId: string): Promise<void> {
    if (this.#source && this.#devId === devId) return Promise.resolve();
    this.close();
    this.#devId = devId;
    const source = new EventSource(this.#url(`/push/events?device=${encodeURIComponent(devId)}`));
    this.#source = source;
    source.addEventListener('push', (event) => {
      const push = parsePushEvent((event as MessageEvent<string>).data);
      if (!push || this.#seen.has(push.id)) return;
      this.#seen.add(push.id);
      this.#queue.push(push);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
    });
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 3000);
      source.addEventListener('open', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.#source?.close();
    this.#source = null;
  }

  async startScenario(
    devId: string,
    name: string,
    options: { notify?: UiMode; pin?: string; vars?: Record<string, string> },
  ): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.#url('/api/scenarios/start'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ device: devId, scenario: name, ...options }),
        signal: AbortSignal.timeout(15000),
      });
    } catch (error) {
      throw new Error(
        `the DM server at ${this.#base.origin} cannot be reached: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).trim()}`);
  }

  async nextPush(devId: string, timeoutMs: number): Promise<FlowPush | undefined> {
    await this.open(devId);
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#queue.shift();
  }
}
