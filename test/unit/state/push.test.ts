/**
 * The push channel (src/state/push.svelte.ts, decision 0093) in Node. Node has no EventSource:
 * - a scripted fake (opened, errors, events on command) drives the status values, the back-off
 *   (3 s doubling to 60 s, fake timers) and once-and-in-order delivery;
 * - a small real SSE client over fetch (`FetchEventSource`, with Last-Event-ID on reconnect)
 *   connects to the reference DM server's /push/events, and routes through the app's own
 *   AppState: CP and bootstraps to the provisioning inbox with a notification, package 0 to the
 *   sessions.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toBase64 } from '../../../src/core/bytes/index.ts';
import { DEFAULT_IDENTITY, devId as devIdOf } from '../../../src/core/device/identity.ts';
import { SHIPPED_SCENARIO_DIR, loadScenarios, type DmServer } from '../../../src/server/dm-server.ts';
import { DeviceStore } from '../../../src/server/device-store.ts';
import { AppState } from '../../../src/state/app.svelte.ts';
import { parsePushEvent, type ReceivedPush } from '../../../src/adapters/push-event.ts';
import { PushState } from '../../../src/state/push.svelte.ts';
import { startServer } from '../server/dm-server-client.ts';

type Listener = (event: MessageEvent<string>) => void;

/** An EventSource whose life the test scripts. */
class ScriptedEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static all: ScriptedEventSource[] = [];
  readyState = ScriptedEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly #listeners: Listener[] = [];
  constructor(readonly url: string) {
    ScriptedEventSource.all.push(this);
  }
  addEventListener(type: string, listener: Listener): void {
    if (type === 'push') this.#listeners.push(listener);
  }
  close(): void {
    this.readyState = ScriptedEventSource.CLOSED;
  }
  open(): void {
    this.readyState = ScriptedEventSource.OPEN;
    this.onopen?.();
  }
  /** The stream dropped: `retrying` as the browser does by itself, or `closed` when it gave up. */
  fail(how: 'retrying' | 'closed'): void {
    this.readyState = how === 'closed' ? ScriptedEventSource.CLOSED : ScriptedEventSource.CONNECTING;
    this.onerror?.();
  }
  emit(data: string): void {
    for (const l of this.#listeners) l({ data } as MessageEvent<string>);
  }
  static last(): ScriptedEventSource {
    return ScriptedEventSource.all.at(-1)!;
  }
}

const asEventSource = (impl: unknown) => impl as typeof EventSource;

function event(id: string, kind: ReceivedPush['kind'] = 'cp', text = id): string {
  return JSON.stringify({ id, kind, title: `push ${id}`, bytes: toBase64(new TextEncoder().encode(text)) });
}

describe('parsePushEvent', () => {
  it('reads a server PushEvent and refuses what it cannot use', () => {
    expect(parsePushEvent(event('p1', 'package0', 'AB'))).toEqual({
      id: 'p1',
      kind: 'package0',
      title: 'push p1',
      bytes: new TextEncoder().encode('AB'),
    });
    expect(parsePushEvent('{not json')).toBeNull();
    expect(parsePushEvent(JSON.stringify({ id: 'x', kind: 'sms', bytes: 'AA==' }))).toBeNull();
    expect(parsePushEvent(JSON.stringify({ id: 'x', kind: 'cp', bytes: '%%%' }))).toBeNull();
    expect(parsePushEvent(JSON.stringify({ id: 'x', kind: 'cp', bytes: 'AA==' }))?.title).toBe(
      'your operator',
    );
  });
});

describe('PushState with a scripted EventSource', () => {
  let delivered: string[];
  let push: PushState;
  beforeEach(() => {
    vi.useFakeTimers();
    ScriptedEventSource.all = [];
    delivered = [];
    push = new PushState({
      deliver: async (p) => {
        delivered.push(`start ${p.id}`);
        // A slow first delivery: the next must still wait for it.
        await new Promise((r) => setTimeout(r, p.id === 'e1' ? 500 : 10));
        delivered.push(`end ${p.id}`);
      },
      EventSource: asEventSource(ScriptedEventSource),
    });
  });
  afterEach(() => {
    push.disconnect();
    vi.useRealTimers();
  });

  it('status: off, connecting, connected, reconnecting while the browser retries, connected, unavailable', () => {
    expect(push.status).toBe('off');
    push.connect('http://dm.test', 'IMEI:1', '001');
    const source = ScriptedEventSource.last();
    expect(source.url).toBe('http://dm.test/push/events?device=IMEI%3A1&imsi=001');
    expect(push.status).toBe('connecting');
    source.open();
    expect(push.status).toBe('connected');
    expect(push.detail).toBe(source.url);
    source.fail('retrying');
    expect(push.status).toBe('reconnecting');
    expect(push.detail).toBe('The push channel dropped; the browser reconnects.');
    source.open();
    expect(push.status).toBe('connected');
    // The same URL keeps the open channel; another one replaces it.
    push.connect('http://dm.test', 'IMEI:1', '001');
    expect(ScriptedEventSource.all).toHaveLength(1);
    push.connect('http://dm.test', 'IMEI:2');
    expect(ScriptedEventSource.all).toHaveLength(2);
    expect(source.readyState).toBe(ScriptedEventSource.CLOSED);
    push.unavailable('The push channel opens after the first run.');
    expect(push.status).toBe('unavailable');
    expect(push.detail).toBe('The push channel opens after the first run.');
    expect(ScriptedEventSource.last().readyState).toBe(ScriptedEventSource.CLOSED);
    push.disconnect();
    expect(push.status).toBe('off');
  });

  it('when the EventSource gives up, retries after 3 s, doubling to 60 s; a success starts again at 3 s', async () => {
    push.connect('http://dm.test', 'IMEI:1');
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const source = ScriptedEventSource.last();
      const count = ScriptedEventSource.all.length;
      source.fail('closed');
      expect(push.status).toBe('reconnecting');
      const seconds = Number(/trying again in (\d+) s/.exec(push.detail)?.[1]);
      await vi.advanceTimersByTimeAsync(seconds * 1000 - 1);
      expect(ScriptedEventSource.all).toHaveLength(count);
      await vi.advanceTimersByTimeAsync(1);
      expect(ScriptedEventSource.all).toHaveLength(count + 1);
      expect(push.status).toBe('connecting');
      waits.push(seconds);
    }
    expect(waits).toEqual([3, 6, 12, 24, 48, 60, 60]);
    ScriptedEventSource.last().open();
    ScriptedEventSource.last().fail('closed');
    expect(push.detail).toMatch(/trying again in 3 s/);
    // Disconnecting cancels the pending retry.
    push.disconnect();
    const count = ScriptedEventSource.all.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ScriptedEventSource.all).toHaveLength(count);
  });

  it('delivers each event once, one after the other in arrival order, also after a reconnect replays some', async () => {
    push.connect('http://dm.test', 'IMEI:1');
    let source = ScriptedEventSource.last();
    source.open();
    source.emit(event('e1'));
    source.emit(event('e2'));
    source.emit(event('e1'));
    source.emit('{"broken"');
    expect(push.received).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(delivered).toEqual(['start e1', 'end e1', 'start e2', 'end e2']);
    // The browser reconnects with Last-Event-ID; a server may replay recent events.
    source.fail('retrying');
    source.open();
    source.emit(event('e2'));
    source.emit(event('e3'));
    // After giving up and a new EventSource, ids are still remembered.
    source.fail('closed');
    await vi.advanceTimersByTimeAsync(3000);
    source = ScriptedEventSource.last();
    source.open();
    source.emit(event('e3'));
    source.emit(event('e4'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(delivered.filter((d) => d.startsWith('start'))).toEqual([
      'start e1',
      'start e2',
      'start e3',
      'start e4',
    ]);
    expect(push.received).toBe(4);
  });

  it('a failing delivery does not stop the ones after it, and is counted with its reason', async () => {
    const got: string[] = [];
    const p = new PushState({
      deliver: async (x) => {
        got.push(x.id);
        if (x.id === 'bad') throw new Error('pipeline failed');
      },
      EventSource: asEventSource(ScriptedEventSource),
    });
    p.connect('http://dm.test', 'IMEI:9');
    ScriptedEventSource.last().emit(event('bad'));
    ScriptedEventSource.last().emit(event('good'));
    await vi.advanceTimersByTimeAsync(10);
    expect(got).toEqual(['bad', 'good']);
    expect(p.failed).toBe(1);
    expect(p.lastFailure).toBe('Last: “push bad”: pipeline failed');
    p.disconnect();
  });
});

/**
 * A minimal EventSource over fetch, for Node: parses `event:`, `id:`, `data:`; when the stream
 * ends or fails it reconnects with Last-Event-ID (after 50 ms, not the server's 3 s, to keep the
 * test short). `drop()` cuts the connection as a network failure would.
 */
class FetchEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static all: FetchEventSource[] = [];
  readyState = FetchEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  lastEventId = '';
  readonly requests: { lastEventId: string }[] = [];
  readonly #listeners = new Map<string, Listener[]>();
  #abort: AbortController | null = null;
  constructor(readonly url: string) {
    FetchEventSource.all.push(this);
    void this.#run();
  }
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.readyState = FetchEventSource.CLOSED;
    this.#abort?.abort();
  }
  drop(): void {
    this.#abort?.abort();
  }
  async #run(): Promise<void> {
    while (this.readyState !== FetchEventSource.CLOSED) {
      const abort = new AbortController();
      this.#abort = abort;
      this.requests.push({ lastEventId: this.lastEventId });
      try {
        const res = await fetch(this.url, {
          headers: {
            Accept: 'text/event-stream',
            ...(this.lastEventId ? { 'Last-Event-ID': this.lastEventId } : {}),
          },
          signal: abort.signal,
        });
        this.readyState = FetchEventSource.OPEN;
        this.onopen?.();
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.#dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // aborted (drop / close) or refused: reconnect below unless closed
      }
      if (this.readyState === FetchEventSource.CLOSED) return;
      this.readyState = FetchEventSource.CONNECTING;
      this.onerror?.();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  #dispatch(block: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'id') this.lastEventId = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    for (const l of this.#listeners.get(type) ?? []) l({ data: data.join('\n') } as MessageEvent<string>);
  }
}

/** The CP document of the shipped PoC scenario (a cp push needs one). */
async function cpDocument() {
  const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
  const push = scenarios.get('poc-provisioning')?.pushes.find((p) => p.kind === 'cp');
  if (push?.kind !== 'cp') throw new Error('the poc-provisioning scenario has no CP push');
  return push.document;
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('PushState against the reference DM server (SSE over fetch)', () => {
  let server: DmServer | undefined;
  let push: PushState | undefined;
  beforeEach(() => {
    FetchEventSource.all = [];
  });
  afterEach(async () => {
    push?.disconnect();
    await server?.close();
    server = undefined;
  });

  it('delivers each push once and in order, also those sent while the stream was down (Last-Event-ID)', async () => {
    const started = await startServer({ store: DeviceStore.memory() });
    server = started.server;
    const devId = devIdOf(DEFAULT_IDENTITY);
    const got: ReceivedPush[] = [];
    push = new PushState({
      deliver: async (p) => void got.push(p),
      EventSource: asEventSource(FetchEventSource),
    });
    push.connect(started.base, devId, DEFAULT_IDENTITY.imsi);
    await until(() => push!.status === 'connected' && server!.push.connected(devId) === 1, 'the stream');
    const device = server.store.ensure(devId, 'api', Date.now());
    const document = await cpDocument();
    const sent = [server.sendPush(device, { kind: 'cp', sec: 'none', document }).event.id];
    sent.push(server.sendPush(device, { kind: 'package0', uiMode: 'background' }).event.id);
    await until(() => got.length === 2, 'two pushes');

    const source = FetchEventSource.all[0]!;
    source.drop();
    await until(() => server!.push.connected(devId) === 0, 'the server to notice the drop');
    sent.push(server.sendPush(device, { kind: 'cp', sec: 'none', document }).event.id);
    sent.push(server.sendPush(device, { kind: 'package0', uiMode: 'informative' }).event.id);
    await until(() => got.length === 4, 'the missed pushes');
    expect(source.requests.map((r) => r.lastEventId)).toEqual(['', sent[1]]);
    expect(got.map((p) => p.id)).toEqual(sent);
    expect(got.map((p) => p.kind)).toEqual(['cp', 'package0', 'cp', 'package0']);
    expect(push.status).toBe('connected');
    expect(push.received).toBe(4);
    // Nothing arrives twice, even a moment later.
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(4);
  });

  it("routes pushes the app's way: CP and bootstraps to the inbox with a notification, package 0 to the sessions", async () => {
    const started = await startServer({ store: DeviceStore.memory() });
    server = started.server;
    vi.stubGlobal('EventSource', FetchEventSource);
    // The sessions' transport reads the page origin; there is no page in Node.
    vi.stubGlobal('location', { origin: 'http://127.0.0.1:1' });
    const app = new AppState({ dbName: `h10-push-${Date.now()}` });
    try {
      await app.start();
      await app.device.saveIdentity(DEFAULT_IDENTITY);
      const devId = devIdOf(DEFAULT_IDENTITY);
      // What the app's config watcher does once /ota-config.json names the DM server (an $effect,
      // which does not run under the unit-test compile): open the channel for this device.
      app.push.connect(started.base, devId, DEFAULT_IDENTITY.imsi);
      await until(() => app.push.status === 'connected', 'the push channel');
      expect(FetchEventSource.all.at(-1)?.url).toBe(
        `${started.base}/push/events?device=${encodeURIComponent(devId)}&imsi=${DEFAULT_IDENTITY.imsi}`,
      );
      const device = server.store.ensure(devId, 'api', Date.now());
      const kinds = ['cp', 'cp-bootstrap', 'dm-bootstrap'] as const;
      for (const kind of kinds)
        server.sendPush(device, {
          kind,
          sec: 'USERPIN',
          pin: '1234',
          title: `a ${kind}`,
          document: await cpDocument(),
        });
      await until(() => (app.provisioning?.inbox.length ?? 0) === 3, 'three inbox records');
      expect(app.provisioning!.inbox.map((r) => [r.source, r.sourceName]).sort()).toEqual(
        kinds.map((k) => ['push', `a ${k}`]).sort(),
      );
      const posted = app.notifications.items.filter((n) => n.kind === 'provisioning');
      expect(posted.map((n) => n.title)).toEqual(Array(3).fill('New settings from your operator'));
      expect(posted.map((n) => n.body).sort()).toEqual(kinds.map((k) => `a ${k}`).sort());
      expect(posted.every((n) => n.action?.label === 'Open')).toBe(true);

      // No DM account was accepted, so the sessions refuse the package 0 and the app says so.
      server.sendPush(device, { kind: 'package0', uiMode: 'background' });
      await until(() => app.notifications.items.some((n) => n.kind === 'dm'), 'the refusal notification');
      const refusal = app.notifications.items.find((n) => n.kind === 'dm')!;
      expect(refusal.title).toBe('Server request not followed');
      expect(refusal.body.length).toBeGreaterThan(0);
      expect(app.sessions.summaries).toEqual([]);
      expect(app.provisioning!.inbox).toHaveLength(3);
      expect(server.store.get(devId)?.sessions ?? []).toHaveLength(0);
    } finally {
      app.dispose();
      vi.unstubAllGlobals();
    }
  });
});
