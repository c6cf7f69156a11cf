/**
 * The reference DM server as a headless device sees it (Node, fetch): the /api calls a flow or
 * a fleet needs (register, push, start a scenario) and the push channel
 * (`GET /push/events?device=`, Server-Sent Events), read into a queue so no push is lost
 * between steps. Used by `flow run` and `fleet`.
 */
import { parseBase64 } from '../../core/bytes/index.ts';
import type { FlowServer } from '../../core/flow/core-device.ts';
import type { FlowPush } from '../../core/flow/port.ts';
import type { UiMode } from '../../core/dm/package0.ts';
import type { PushEvent, PushKind } from '../../core/dm-server/pushes.ts';
import { OtaError } from '../../core/errors.ts';

export class ServerApiError extends OtaError {
  constructor(message: string, details: { url: string; httpStatus?: number }) {
    super('server-api', message, details);
  }
}

/** The server's base URL (`http://host:port`) from any URL on it (e.g. its /dm endpoint). */
export function serverBase(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export class ServerClient {
  readonly base: string;
  private readonly token: string | undefined;

  constructor(url: string, options: { token?: string } = {}) {
    this.base = serverBase(url);
    const t = options.token ?? new URL(url).searchParams.get('token') ?? undefined;
    this.token = t === null ? undefined : t;
  }

  private url(path: string): string {
    const u = new URL(path, this.base);
    if (this.token !== undefined) u.searchParams.set('token', this.token);
    return u.toString();
  }

  async api<T = unknown>(path: string, body?: unknown): Promise<T> {
    const url = this.url(path);
    let res: Response;
    try {
      res = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15000),
      });
    } catch (error) {
      throw new ServerApiError(
        `the DM server at ${this.base} cannot be reached: ${(error as Error).message}`,
        { url },
      );
    }
    const text = await res.text();
    if (!res.ok)
      throw new ServerApiError(`${path} answered HTTP ${res.status}: ${text.trim()}`, {
        url,
        httpStatus: res.status,
      });
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Asks the server for a push; returns the event with its bytes. */
  async push(
    devId: string,
    spec: { kind: PushKind; sec?: string; pin?: string; authority?: string },
  ): Promise<PushEvent> {
    const out = await this.api<{ event: PushEvent }>('/api/push', { device: devId, ...spec });
    return out.event;
  }

  async startScenario(
    devId: string,
    name: string,
    options: { notify?: UiMode; pin?: string; vars?: Record<string, string> } = {},
  ): Promise<void> {
    await this.api('/api/scenarios/start', { device: devId, scenario: name, ...options });
  }

  /** Opens the device's push channel; close it when done. */
  subscribe(devId: string): PushSubscription {
    return new PushSubscription(this.url(`/push/events?device=${encodeURIComponent(devId)}`));
  }
}

function toFlowPush(e: PushEvent): FlowPush {
  return { id: e.id, kind: e.kind, title: e.title, bytes: parseBase64(e.bytes) };
}

/** One SSE stream read into a queue of pushes. */
export class PushSubscription {
  private readonly queue: PushEvent[] = [];
  private waiters: (() => void)[] = [];
  private readonly controller = new AbortController();
  private failure: Error | undefined;
  readonly ready: Promise<void>;

  constructor(url: string) {
    this.ready = this.open(url);
  }

  private async open(url: string): Promise<void> {
    const res = await fetch(url, {
      signal: this.controller.signal,
      headers: { accept: 'text/event-stream' },
    });
    if (!res.ok || !res.body)
      throw new ServerApiError(`the push channel answered HTTP ${res.status}`, {
        url,
        httpStatus: res.status,
      });
    void this.read(res.body);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (data === '' || !/^event: push$/m.test(block)) continue;
          this.queue.push(JSON.parse(data) as PushEvent);
          this.wake();
        }
      }
    } catch (error) {
      if (!this.controller.signal.aborted) this.failure = error as Error;
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next push, waiting up to `timeoutMs`. */
  async next(timeoutMs: number): Promise<FlowPush | undefined> {
    await this.ready;
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return toFlowPush(this.queue.shift()!);
  }

  close(): void {
    this.controller.abort();
    this.wake();
  }
}

/** A FlowServer over HTTP, with one push subscription per device opened on first use. */
export class HttpFlowServer implements FlowServer {
  private readonly subs = new Map<string, PushSubscription>();

  constructor(readonly client: ServerClient) {}

  /** Opens the push channel before anything is pushed, so no push waits in the server's small queue. */
  async open(devId: string): Promise<void> {
    await this.sub(devId).ready;
  }

  private sub(devId: string): PushSubscription {
    let s = this.subs.get(devId);
    if (!s) {
      s = this.client.subscribe(devId);
      s.ready.catch(() => undefined);
      this.subs.set(devId, s);
    }
    return s;
  }

  startScenario(
    devId: string,
    name: string,
    options: { notify?: UiMode; pin?: string; vars?: Record<string, string> },
  ) {
    return this.client.startScenario(devId, name, options);
  }

  nextPush(devId: string, timeoutMs: number): Promise<FlowPush | undefined> {
    return this.sub(devId).next(timeoutMs);
  }

  close(): void {
    for (const s of this.subs.values()) s.close();
    this.subs.clear();
  }
}
