/**
 * The push channel to handsets: Server-Sent Events on `GET /push/events?device=<DevId>`,
 * standing in for the SMS bearer. Each event is `event: push`, `id: <push id>`, `data: <PushEvent JSON>`.
 * Pushes for a device with no open stream wait (up to 20 per device) and are delivered when
 * it connects; a reconnecting EventSource sends Last-Event-ID and gets what it missed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushEvent } from '../core/dm-server/pushes.ts';

const MAX_WAITING = 20;
const HEARTBEAT_MS = 20_000;

interface Subscriber {
  devId: string;
  res: ServerResponse;
}

export class PushChannel {
  private readonly subscribers = new Set<Subscriber>();
  private readonly waiting = new Map<string, PushEvent[]>();
  private readonly recent = new Map<string, PushEvent[]>();
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor() {
    this.heartbeat = setInterval(() => {
      for (const s of this.subscribers) s.res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Opens an SSE stream for a device. `headers` are extra response headers (CORS). */
  subscribe(devId: string, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 3000\n: push channel for ${devId.replace(/[\r\n]/g, ' ')}\n\n`);
    const sub: Subscriber = { devId, res };
    this.subscribers.add(sub);
    const lastId = req.headers['last-event-id'];
    const missed =
      typeof lastId === 'string' && lastId !== ''
        ? (() => {
            const list = this.recent.get(devId) ?? [];
            const at = list.findIndex((e) => e.id === lastId);
            return at < 0 ? [] : list.slice(at + 1);
          })()
        : [];
    const queued = this.waiting.get(devId) ?? [];
    this.waiting.delete(devId);
    const seen = new Set<string>();
    for (const e of [...missed, ...queued]) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      this.write(sub, e);
    }
    const close = () => this.subscribers.delete(sub);
    req.on('close', close);
    res.on('close', close);
  }

  private write(sub: Subscriber, event: PushEvent): void {
    sub.res.write(`event: push\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  /** Sends now to every open stream of the device, or keeps it until one opens. Returns the number of streams reached. */
  send(event: PushEvent): number {
    const list = this.recent.get(event.devId) ?? [];
    list.push(event);
    if (list.length > MAX_WAITING) list.splice(0, list.length - MAX_WAITING);
    this.recent.set(event.devId, list);
    let delivered = 0;
    for (const sub of this.subscribers) {
      if (sub.devId === event.devId) {
        this.write(sub, event);
        delivered++;
      }
    }
    if (delivered === 0) {
      const q = this.waiting.get(event.devId) ?? [];
      q.push(event);
      if (q.length > MAX_WAITING) q.splice(0, q.length - MAX_WAITING);
      this.waiting.set(event.devId, q);
    }
    return delivered;
  }

  connected(devId: string): number {
    let n = 0;
    for (const s of this.subscribers) if (s.devId === devId) n++;
    return n;
  }

  waitingFor(devId: string): number {
    return this.waiting.get(devId)?.length ?? 0;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
  }
}
