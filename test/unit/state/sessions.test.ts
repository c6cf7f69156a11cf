/**
 * The browser's DM sessions (src/state/sessions.svelte.ts, decisions 0090-0093), compiled with
 * Svelte's client runtime and run in Node against the reference DM server on 127.0.0.1:0.
 * The handset gets its DM account the real way (the server's DM bootstrap push through the CP
 * pipeline); traces go to a real IndexedDB trace store (fake-indexeddb); the tree lives in memory;
 * dialogs go through the real PromptsState and the test answers them as the user would.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openHandsetDb, type HandsetDb } from '../../../src/adapters/db.ts';
import { createFetchTransport } from '../../../src/adapters/fetch-transport.ts';
import { IdbTraceStore } from '../../../src/adapters/idb-trace-store.ts';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { parseBase64 } from '../../../src/core/bytes/index.ts';
import { applyPlan, planProvisioning, receivePayload } from '../../../src/core/cp/provision.ts';
import { parsePush } from '../../../src/core/cp/push.ts';
import { DEFAULT_IDENTITY, devId as devIdOf } from '../../../src/core/device/identity.ts';
import type { HttpTransport } from '../../../src/core/ports.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import { DeviceStore } from '../../../src/server/device-store.ts';
import { SHIPPED_SCENARIO_DIR, loadScenarios, type DmServer } from '../../../src/server/dm-server.ts';
import type { DeviceActivity } from '../../../src/state/device.svelte.ts';
import { NotificationsState } from '../../../src/state/notifications.svelte.ts';
import { PromptsState, type PendingPrompt } from '../../../src/state/prompts.svelte.ts';
import { SessionsState } from '../../../src/state/sessions.svelte.ts';
import { startServer } from '../server/dm-server-client.ts';

const AUTHORITY = 'ota-operator';
let last = 0;
/** Real time, but never the same millisecond twice, so "newest first" is well defined. */
const clock = { now: () => (last = Math.max(Date.now(), last + 1)) };
const random = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let dbCount = 0;

/** The status bar's activity, with every change it went through. */
function activityLog(): { activity: DeviceActivity; log: DeviceActivity[] } {
  let current: DeviceActivity = 'idle';
  const log: DeviceActivity[] = [];
  return {
    get activity() {
      return current;
    },
    set activity(value: DeviceActivity) {
      if (value !== current) log.push(value);
      current = value;
    },
    log,
  };
}

async function setup(options: { transport?: (base: string) => HttpTransport; askChanges?: boolean } = {}) {
  const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
  const { server, base } = await startServer({ scenarios, store: DeviceStore.memory() });
  cleanups.push(() => server.close());
  const tree = await ManagementTree.openWithFactory(new MemoryTreeStore(), clock, DEFAULT_IDENTITY);
  const devId = devIdOf(DEFAULT_IDENTITY);
  await bootstrap(server, tree, devId);
  const db: HandsetDb = await openHandsetDb(`h10-sessions-${++dbCount}-${Date.now()}`);
  cleanups.push(() => db.close());
  const device = activityLog();
  const prompts = new PromptsState(device);
  const notifications = new NotificationsState(device);
  const store = new IdbTraceStore(db);
  const sessions = new SessionsState({
    tree: () => tree,
    identity: () => DEFAULT_IDENTITY,
    device,
    prompts,
    notifications,
    confirmOperatorChanges: () => options.askChanges ?? false,
    transport: () => options.transport?.(base) ?? createFetchTransport({ timeoutMs: 10_000 }),
    clock,
    random,
  });
  await sessions.open(store);
  return { server, base, tree, devId, device, prompts, notifications, store, sessions };
}

/** The server's DM bootstrap (USERPIN 1234) goes through the handset's CP pipeline. */
async function bootstrap(s: DmServer, tree: ManagementTree, devId: string): Promise<void> {
  const device = s.store.ensure(devId, 'api', Date.now());
  const { event } = s.sendPush(device, {
    kind: 'dm-bootstrap',
    sec: 'USERPIN',
    pin: '1234',
    authority: AUTHORITY,
  });
  let record = receivePayload(parseBase64(event.bytes), {
    id: event.id,
    receivedAt: Date.now(),
    source: 'push',
    pin: '1234',
  });
  record = await applyPlan(planProvisioning(record, tree), tree, { at: Date.now() });
  expect(record.status, JSON.stringify(record.error)).toBe('applied');
}

/** Starts a scenario the way the console and tests do: POST /api/scenarios/start. */
async function startScenario(base: string, devId: string, scenario: string, notify?: string): Promise<void> {
  const res = await fetch(`${base}/api/scenarios/start`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ device: devId, scenario, ...(notify ? { notify } : {}) }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** The last package 0 the server pushed to the device, as the push channel carries it. */
function lastPackage0(s: DmServer, devId: string): Uint8Array {
  const push = s.store.pushes(devId).at(-1);
  expect(push?.kind).toBe('package0');
  return parseBase64(push!.bytes);
}

/** Answers every dialog as it appears, like a user tapping. */
function answerDialogs(prompts: PromptsState, decide: (p: PendingPrompt) => unknown): PendingPrompt[] {
  const seen: PendingPrompt[] = [];
  cleanups.push(
    prompts.listen({
      shown: (p) => {
        seen.push(p);
        queueMicrotask(() => prompts.answer(p, decide(p) as never));
      },
    }),
  );
  return seen;
}

const serverSessions = (s: DmServer, devId: string) => s.store.get(devId)?.sessions ?? [];
const treeState = (tree: ManagementTree) => JSON.stringify(tree.snapshot());

/** A server at the account's address that fails every POST: HTTP 500, or the socket dropped. */
async function brokenServer(mode: '500' | 'drop'): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (mode === 'drop') req.socket.destroy();
      else res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/dm`;
}

describe('SessionsState: client-initiated sessions', () => {
  it('a connect completes; its trace is stored, listed newest first and loadable', async () => {
    const h = await setup();
    expect(h.sessions.accounts.map((a) => a.serverId)).toEqual([AUTHORITY]);
    await startScenario(h.base, h.devId, 'mms-campaign');
    const first = await h.sessions.connect(AUTHORITY);
    expect(first).not.toBeNull();
    expect(h.sessions.lastError).toBeNull();
    expect(h.tree.get(DEVICE, './MMS/Campaign/Addr').value).toBe('http://mmsc2.example.net/mms');
    expect(h.sessions.lastOutcome).toMatchObject({ ok: true, traceId: first, serverId: AUTHORITY });

    const second = await h.sessions.connect(AUTHORITY);
    expect(h.sessions.summaries.map((s) => s.id)).toEqual([second, first]);
    expect((await h.store.list()).map((s) => s.id)).toEqual([second, first]);
    expect(h.sessions.summaries[1]).toMatchObject({
      initiator: 'client',
      outcome: 'completed',
      serverId: AUTHORITY,
    });

    const loaded = await h.sessions.load(first!);
    expect(loaded?.outcome).toBe('completed');
    expect(loaded?.messages.length).toBeGreaterThanOrEqual(2);
    expect(loaded?.commands.some((c) => c.from === 'server' && c.kind === 'Add')).toBe(true);
    // The server saw the same two sessions.
    expect(serverSessions(h.server, h.devId)).toHaveLength(2);
    expect(h.sessions.busy).toBe(false);
    expect(h.sessions.running).toBeNull();
  });

  it('the activity goes connecting, then in-session, then idle', async () => {
    const h = await setup();
    await startScenario(h.base, h.devId, 'mms-campaign');
    await h.sessions.connect(AUTHORITY);
    expect(h.device.log).toEqual(['connecting', 'in-session', 'idle']);
  });

  it('a second connect while one runs is refused with a clear lastError and sends nothing', async () => {
    const h = await setup();
    const running = h.sessions.connect(AUTHORITY);
    expect(h.sessions.busy).toBe(true);
    expect(await h.sessions.connect(AUTHORITY)).toBeNull();
    expect(h.sessions.lastError).toMatch(/^A session with .+ is already running; wait until it ends\.$/);
    expect(await running).not.toBeNull();
    expect(serverSessions(h.server, h.devId)).toHaveLength(1);
    expect(h.sessions.summaries).toHaveLength(1);
  });

  for (const mode of ['500', 'drop'] as const) {
    it(`a server that ${mode === '500' ? 'answers HTTP 500' : 'drops the connection'}: a failed trace with a reason is stored, the tree is unchanged`, async () => {
      let broken = '';
      const h = await setup({
        // The account's server, as reached by the transport, is the broken one.
        transport: () => {
          const direct = createFetchTransport({ timeoutMs: 10_000 });
          return { post: (_url, body, headers) => direct.post(broken, body, headers) };
        },
      });
      broken = await brokenServer(mode);
      const before = treeState(h.tree);
      const id = await h.sessions.connect(AUTHORITY);
      expect(id).not.toBeNull();
      const summary = h.sessions.summaries[0]!;
      expect(summary.id).toBe(id);
      expect(summary.outcome).toBe('failed');
      expect(summary.reason).toBeTruthy();
      if (mode === '500') expect(summary.reason).toMatch(/500/);
      const stored = await h.sessions.load(id!);
      expect(stored).toMatchObject({ outcome: 'failed', reason: summary.reason });
      expect(h.sessions.lastOutcome?.ok).toBe(false);
      expect(h.sessions.lastOutcome?.text).toMatch(/^Could not reach the server: /);
      expect(treeState(h.tree)).toBe(before);
      expect(h.device.activity).toBe('idle');
      expect(h.sessions.busy).toBe(false);
    });
  }
});

describe('SessionsState: package 0 (server-initiated sessions)', () => {
  it('background: connects at once, nothing is asked or posted', async () => {
    const h = await setup();
    const dialogs = answerDialogs(h.prompts, () => true);
    await startScenario(h.base, h.devId, 'mms-campaign', 'background');
    const delivery = await h.sessions.receiveNotification(lastPackage0(h.server, h.devId), 'push');
    expect(delivery).toMatchObject({ ok: true, action: 'connected' });
    expect(dialogs).toEqual([]);
    expect(h.notifications.items).toEqual([]);
    expect(h.sessions.summaries[0]).toMatchObject({ initiator: 'server', outcome: 'completed' });
    expect(serverSessions(h.server, h.devId).at(-1)).toMatchObject({ initiator: 'server' });
    expect(h.tree.get(DEVICE, './MMS/Campaign/Addr').value).toBe('http://mmsc2.example.net/mms');
  });

  it('informative: posts "<server> is updating your settings", then connects', async () => {
    const h = await setup();
    const dialogs = answerDialogs(h.prompts, () => true);
    await startScenario(h.base, h.devId, 'mms-campaign', 'informative');
    const delivery = await h.sessions.receiveNotification(lastPackage0(h.server, h.devId), 'push');
    expect(delivery).toMatchObject({ ok: true, action: 'connected' });
    expect(dialogs).toEqual([]);
    expect(h.notifications.items).toHaveLength(1);
    expect(h.notifications.items[0]).toMatchObject({ kind: 'dm' });
    expect(h.notifications.items[0]!.body).toMatch(/is updating your settings\.$/);
    expect(serverSessions(h.server, h.devId)).toHaveLength(1);
    // An unread notification remains: the status bar says so after the session.
    expect(h.device.activity).toBe('notification-pending');
  });

  it('user-interaction: asks "Connect to server?"; Allow connects', async () => {
    const h = await setup();
    const dialogs = answerDialogs(h.prompts, () => true);
    await startScenario(h.base, h.devId, 'mms-campaign', 'user-interaction');
    const delivery = await h.sessions.receiveNotification(lastPackage0(h.server, h.devId), 'push');
    expect(delivery).toMatchObject({ ok: true, action: 'asked-user' });
    expect(dialogs.map((d) => d.source === 'local' && d.request.title)).toEqual(['Connect to server?']);
    expect(serverSessions(h.server, h.devId)).toHaveLength(1);
  });

  it('user-interaction: "Not now" sends nothing and stores nothing', async () => {
    const h = await setup();
    const dialogs = answerDialogs(h.prompts, () => false);
    await startScenario(h.base, h.devId, 'mms-campaign', 'user-interaction');
    const before = treeState(h.tree);
    const delivery = await h.sessions.receiveNotification(lastPackage0(h.server, h.devId), 'push');
    expect(delivery).toEqual({ ok: true, action: 'declined-by-user' });
    expect(dialogs).toHaveLength(1);
    expect(serverSessions(h.server, h.devId)).toHaveLength(0);
    expect(h.sessions.summaries).toEqual([]);
    expect(await h.store.list()).toEqual([]);
    expect(treeState(h.tree)).toBe(before);
    expect(h.sessions.busy).toBe(false);
  });

  it('a bad digest is refused with its code; nothing is asked, sent or stored', async () => {
    const h = await setup();
    const dialogs = answerDialogs(h.prompts, () => true);
    await startScenario(h.base, h.devId, 'mms-campaign', 'user-interaction');
    const body = parsePush(lastPackage0(h.server, h.devId)).body.slice();
    body[0]! ^= 0xff; // the digest is the first 16 bytes (oma-dm.md §8)
    const events: string[] = [];
    cleanups.push(h.sessions.listen((e) => events.push(e.kind)));
    const delivery = await h.sessions.receiveNotification(body, 'pasted');
    expect(delivery).toMatchObject({ ok: false, code: 'digest-mismatch' });
    expect(dialogs).toEqual([]);
    expect(events).toEqual(['notification']);
    expect(serverSessions(h.server, h.devId)).toHaveLength(0);
    expect(h.sessions.summaries).toEqual([]);
    expect(h.device.log).toEqual([]);
  });

  it('a package 0 while a session runs is refused "busy" and not queued', async () => {
    const h = await setup();
    await startScenario(h.base, h.devId, 'mms-campaign', 'background');
    const bytes = lastPackage0(h.server, h.devId);
    const running = h.sessions.connect(AUTHORITY);
    const delivery = await h.sessions.receiveNotification(bytes, 'push');
    expect(delivery).toMatchObject({ ok: false, code: 'busy' });
    if (!delivery.ok)
      expect(delivery.message).toMatch(/is running, so the push notification from .+ was not acted on/);
    await running;
    expect(h.sessions.summaries).toHaveLength(1);
    expect(h.sessions.summaries[0]?.initiator).toBe('client');
    expect(serverSessions(h.server, h.devId).map((s) => s.initiator)).toEqual(['client']);
  });
});

describe('SessionsState: ask before operator changes (decision 0100)', () => {
  it('with the preference on and the user refusing, the server sees 215 and the flags stay unset', async () => {
    const h = await setup({ askChanges: true });
    const dialogs = answerDialogs(h.prompts, (p) =>
      p.source === 'dm' ? { kind: 'yes' } : p.source === 'local' ? false : null,
    );
    await startScenario(h.base, h.devId, 'mms-campaign-confirm');
    const id = await h.sessions.connect(AUTHORITY);
    expect(id).not.toBeNull();
    const asked = dialogs
      .filter((d) => d.source === 'local')
      .map((d) => d.source === 'local' && d.request.title);
    expect(asked).toEqual(['Allow this change?', 'Allow this change?', 'Allow this change?']);
    const replace = serverSessions(h.server, h.devId)
      .at(-1)!
      .trace.commands.find((c) => c.kind === 'Replace' && c.from === 'server');
    expect(replace?.statuses.map((s) => s.code)).toEqual([215, 215, 215]);
    expect(h.tree.get(DEVICE, './MMS/Campaign?prop=Active').value).not.toBe('true');
    expect(h.tree.get(DEVICE, './MMS/Campaign?prop=Locked').value).not.toBe('true');
  });

  it('with the preference off nothing is asked and the flags are set', async () => {
    const h = await setup({ askChanges: false });
    const dialogs = answerDialogs(h.prompts, (p) => (p.source === 'dm' ? { kind: 'yes' } : false));
    await startScenario(h.base, h.devId, 'mms-campaign-confirm');
    await h.sessions.connect(AUTHORITY);
    expect(dialogs.map((d) => d.source)).toEqual(['dm']);
    expect(h.tree.get(DEVICE, './MMS/Campaign?prop=Locked').value).toBe('true');
  });
});
